package org.aeic.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** What the CLI may use of the codec, checked on its compiled classes (tests excluded). */
@AnalyzeClasses(packages = "org.aeic.cli", importOptions = ImportOption.DoNotIncludeTests.class)
class CliLayeringTest {
    @ArchTest
    static final ArchRule cliStaysAboveTheEngine = noClasses().that().resideInAPackage("org.aeic.cli..")
            .should().dependOnClassesThat().resideInAnyPackage("org.aeic.codec.nn..", "org.aeic.codec.prior..",
                    "org.aeic.codec.entropy..", "org.aeic.proto..", "com.google.protobuf..")
            .because("the CLI codes through the API and trains through the trainer, never with layers, tables or protobuf");
}
