package org.aeic.imageio;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** What the plugin may use of the codec, checked on its compiled classes (tests excluded). */
@AnalyzeClasses(packages = "org.aeic.imageio", importOptions = ImportOption.DoNotIncludeTests.class)
class PluginLayeringTest {
    @ArchTest
    static final ArchRule pluginUsesTheApi = noClasses().that().resideInAPackage("org.aeic.imageio..")
            .should().dependOnClassesThat().resideInAnyPackage("org.aeic.codec.nn..", "org.aeic.codec.tensor..",
                    "org.aeic.codec.prior..", "org.aeic.codec.entropy..", "org.aeic.codec.model..", "org.aeic.codec.train..",
                    "org.aeic.codec.metrics..", "org.aeic.codec.io..", "org.aeic.proto..", "com.google.protobuf..")
            .because("the plugin codes through the API (with the pixel conversion and the container framing), not the engine");
}
