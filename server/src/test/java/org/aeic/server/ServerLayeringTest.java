package org.aeic.server;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import org.aeic.codec.container.ContainerLimits;
import org.aeic.codec.image.ImageLoader;
import org.aeic.codec.image.ImageSaver;
import org.aeic.codec.image.PlanarImage;
import org.aeic.codec.io.OneLine;

/** What the server may use of the codec, checked on its compiled classes (tests excluded); README.md, "Architecture". */
@AnalyzeClasses(packages = "org.aeic.server", importOptions = ImportOption.DoNotIncludeTests.class)
class ServerLayeringTest {
    @ArchTest
    static final ArchRule serverUsesTheApi = noClasses().that().resideInAPackage("org.aeic.server..")
            .should().dependOnClassesThat(resideInAPackage("org.aeic.codec..")
                    .and(not(resideInAPackage("org.aeic.codec")))
                    .and(not(belongToAnyOf(ImageLoader.class, ImageSaver.class, PlanarImage.class,
                            ContainerLimits.class, OneLine.class))))
            .orShould().dependOnClassesThat().resideInAnyPackage("org.aeic.proto..", "com.google.protobuf..",
                    "org.aeic.cli..", "org.aeic.imageio..")
            .because("the server codes through the API (with pixels in and out, the size limits of the options and"
                    + " one-line messages), never with layers, tables, protobuf, the CLI or the plugin");
}
