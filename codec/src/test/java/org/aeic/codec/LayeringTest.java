package org.aeic.codec;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The codec's layering, checked on its compiled classes (tests excluded). */
@AnalyzeClasses(packages = "org.aeic", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {
    @ArchTest
    static final ArchRule codecKnowsNoApplication = noClasses().that().resideInAPackage("org.aeic.codec..")
            .should().dependOnClassesThat().resideInAnyPackage("org.aeic.cli..", "org.aeic.server..", "org.aeic.imageio..")
            .because("the CLI, the server and the ImageIO plugin are built on the codec, never the other way round");

    @ArchTest
    static final ArchRule entropyIsIntegersOnly = noClasses().that().resideInAPackage("org.aeic.codec.entropy..")
            .should().dependOnClassesThat().resideInAnyPackage("org.aeic.codec.nn..", "org.aeic.codec.tensor..",
                    "org.aeic.codec.model..", "org.aeic.codec.prior..", "org.aeic.proto..", "com.google.protobuf..")
            .because("the entropy coder sees integer tables and symbols only, not the engine, the prior or a file format");

    @ArchTest
    static final ArchRule engineDoesNoIo = noClasses().that().resideInAnyPackage("org.aeic.codec.nn..", "org.aeic.codec.tensor..")
            .should().dependOnClassesThat().resideInAnyPackage("java.io..", "java.nio.file..", "java.net..", "javax.imageio..",
                    "java.awt..", "org.aeic.proto..", "com.google.protobuf..", "io.vertx..", "org.aeic.codec.container..",
                    "org.aeic.codec.model..", "org.aeic.codec.image..", "org.aeic.codec.io..")
            .because("the engine computes on tensors; files, formats and HTTP belong to the layers above it");

    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("org.aeic.codec.(*)..").should().beFreeOfCycles()
            .because("each layer of the codec builds on the ones below it only");

    @ArchTest
    static final ArchRule layersReachTheApiOnlyForItsException = noClasses()
            .that().resideInAPackage("org.aeic.codec.*..")
            .should().dependOnClassesThat(resideInAPackage("org.aeic.codec").and(not(belongToAnyOf(AeicException.class))))
            .because("the API package sits on top of the layers; they share only its exception (so no cycle runs through it)");
}
