package org.aeic.imageio;

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

/** What the plugin may use of the codec, checked on its compiled classes (tests excluded); README.md, "Architecture". */
@AnalyzeClasses(packages = "org.aeic.imageio", importOptions = ImportOption.DoNotIncludeTests.class)
class PluginLayeringTest {
    @ArchTest
    static final ArchRule pluginUsesTheApi = noClasses().that().resideInAPackage("org.aeic.imageio..")
            .should().dependOnClassesThat(resideInAPackage("org.aeic.codec..")
                    .and(not(resideInAPackage("org.aeic.codec")))
                    .and(not(belongToAnyOf(ContainerLimits.class, ImageLoader.class, ImageSaver.class, PlanarImage.class))))
            .orShould().dependOnClassesThat().resideInAnyPackage("org.aeic.proto..", "com.google.protobuf..")
            .because("the plugin codes through the API (its size limits included) with the pixel conversion, not the container, the engine, the"
                    + " prior, the entropy coder or model files");
}
