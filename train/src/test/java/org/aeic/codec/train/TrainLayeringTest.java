package org.aeic.codec.train;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import org.aeic.codec.io.AtomicFiles;
import org.aeic.codec.model.FactorizedModel;
import org.aeic.codec.model.ModelFiles;
import org.aeic.codec.model.RateLevel;
import org.aeic.codec.model.Rounding;
import org.aeic.codec.model.Widening;
import org.aeic.codec.nn.Grads;
import org.aeic.codec.nn.Param;
import org.aeic.codec.nn.Sequential;
import org.aeic.codec.nn.Tape;
import org.aeic.codec.prior.LogisticMixturePrior;
import org.aeic.codec.prior.ScaleTables;
import org.aeic.codec.tensor.Gemm;
import org.aeic.codec.tensor.Tensor;

/**
 * What the train module (trainer, metrics) may use of the codec, checked on its compiled classes (tests excluded):
 * the API and the training SPI that README.md's "Architecture" names.
 */
@AnalyzeClasses(packages = {"org.aeic.codec.train", "org.aeic.codec.metrics"},
        importOptions = ImportOption.DoNotIncludeTests.class)
class TrainLayeringTest {
    private static final String[] OWN = {"org.aeic.codec", "org.aeic.codec.train", "org.aeic.codec.metrics"};

    @ArchTest
    static final ArchRule trainerUsesTheTrainingSpi = noClasses()
            .that().resideInAnyPackage("org.aeic.codec.train", "org.aeic.codec.metrics")
            .should().dependOnClassesThat(resideInAPackage("org.aeic.codec..")
                    .and(not(resideInAnyPackage(OWN)))
                    .and(not(belongToAnyOf(FactorizedModel.class, ModelFiles.class, RateLevel.class, Rounding.class,
                            Widening.class, LogisticMixturePrior.class, ScaleTables.class, Sequential.class, Param.class,
                            Grads.class, Tape.class, Tensor.class, Gemm.class, AtomicFiles.class))))
            .orShould().dependOnClassesThat().resideInAnyPackage("org.aeic.codec.entropy..", "org.aeic.codec.container..",
                    "org.aeic.cli..", "org.aeic.server..", "org.aeic.imageio..")
            .because("the trainer trains the model's layers and levels and writes model files through the training"
                    + " SPI; coding, the entropy coder and the container stay behind the API");

    @ArchTest
    static final ArchRule metricsNeedNoModel = noClasses().that().resideInAPackage("org.aeic.codec.metrics")
            .should().dependOnClassesThat().resideInAnyPackage("org.aeic.codec.train", "org.aeic.codec.model..",
                    "org.aeic.codec.nn..", "org.aeic.codec.tensor..", "org.aeic.proto..")
            .because("PSNR, MS-SSIM and BD-rate measure pixels and curves, whatever made them");
}
