package org.aeic.cli;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import org.aeic.codec.container.ContainerLimits;
import org.aeic.codec.image.ImageLoader;
import org.aeic.codec.image.ImageSaver;
import org.aeic.codec.image.PlanarImage;
import org.aeic.codec.io.AtomicFiles;
import org.aeic.codec.io.OneLine;
import org.aeic.codec.tensor.Gemm;

/** What the CLI may use of the codec, checked on its compiled classes (tests excluded); README.md, "Architecture". */
@AnalyzeClasses(packages = "org.aeic.cli", importOptions = ImportOption.DoNotIncludeTests.class)
class CliLayeringTest {
    @ArchTest
    static final ArchRule cliUsesTheApiAndItsSpi = noClasses().that().resideInAPackage("org.aeic.cli..")
            .should().dependOnClassesThat(resideInAPackage("org.aeic.codec..")
                    .and(not(resideInAnyPackage("org.aeic.codec", "org.aeic.codec.train", "org.aeic.codec.metrics")))
                    .and(not(belongToAnyOf(ContainerLimits.class, ImageLoader.class, ImageSaver.class, PlanarImage.class, AtomicFiles.class,
                            OneLine.class, Gemm.class))))
            .orShould().dependOnClassesThat().resideInAnyPackage("org.aeic.proto..", "com.google.protobuf..")
            .because("the CLI codes through the API (its size limits included; with pixels in and out, atomic writes and the name of the GEMM kernel)"
                    + " and trains and measures through the train module, never with layers, tables or protobuf");
}
