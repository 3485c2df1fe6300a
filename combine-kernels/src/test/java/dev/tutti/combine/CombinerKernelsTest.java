package dev.tutti.combine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;

/** How the provider chooses between the Vector API kernels and the scalar reference, and what it hands out. */
class CombinerKernelsTest {
    private static final IntSupplier BITS_512 = () -> 512;
    private static final IntSupplier MUST_NOT_ASK = () -> {
        throw new AssertionError("the species must not be asked for when the module or C2 is missing");
    };

    @Test
    void shouldUseTheVectorKernelsWhenTheModuleIsLoadedWithC2AndWideVectors() {
        assertThat(CombinerKernels.scalarReason(null, true, true, BITS_512)).isNull();
        assertThat(CombinerKernels.scalarReason("auto", true, true, () -> 256)).isNull();
    }

    @Test
    void shouldRunScalarWhenForcedByTheProperty() {
        assertThat(CombinerKernels.scalarReason("scalar", true, true, BITS_512)).contains("-Dtutti.kernels=scalar");
        assertThat(CombinerKernels.scalarReason("fast", true, true, BITS_512)).contains("neither auto nor scalar");
    }

    @Test
    void shouldRunScalarWithoutTheVectorModuleAndSayHowToLoadIt() {
        assertThat(CombinerKernels.scalarReason(null, false, true, MUST_NOT_ASK))
                .contains("--add-modules=jdk.incubator.vector");
    }

    @Test
    void shouldRunScalarWithoutC2() {
        assertThat(CombinerKernels.scalarReason(null, true, false, MUST_NOT_ASK)).contains("C2");
        assertThat(CombinerKernels.c2Enabled(List.of("-Xint"))).isFalse();
        assertThat(CombinerKernels.c2Enabled(List.of("-Xss4m", "-XX:TieredStopAtLevel=1"))).isFalse();
        assertThat(CombinerKernels.c2Enabled(List.of("-XX:TieredStopAtLevel=4", "--add-modules=jdk.incubator.vector")))
                .isTrue();
    }

    @Test
    void shouldRunScalarWhenTheSpeciesIsNarrowerThan256Bits() {
        assertThat(CombinerKernels.scalarReason(null, true, true, () -> 128)).contains("128 bits");
    }

    @Test
    void shouldSelectTheVectorVersionOfEveryCombinerWhenSimdIsForced() {
        CombinerKernels simd = CombinerKernels.simdOnly();
        for (Combiner reference : everyCombiner()) {
            Combiner selected = simd.select(reference);

            assertThat(selected).as("%s", reference).isInstanceOf(VectorCombiner.class);
            assertThat(selected.name()).isEqualTo(reference.name());
            assertThat(simd.select(selected)).as("selecting a selected kernel again").isSameAs(selected);
        }
        int[] classes = new int[1];
        simd.confidence().predictedClass(Task.BINARY, Matrices.single(new float[] {0.7f}), classes);
        assertThat(classes).containsExactly(1);
        assertThat(simd.confidence()).isNotSameAs(ConfidenceKernels.scalar());
    }

    @Test
    void shouldSelectTheReferenceItselfWhenScalarIsForced() {
        CombinerKernels scalar = CombinerKernels.scalarOnly();
        for (Combiner reference : everyCombiner()) {
            assertThat(scalar.select(reference)).isSameAs(reference);
        }
        assertThat(scalar.confidence()).isSameAs(ConfidenceKernels.scalar());
    }

    @Test
    void shouldUseSimdInThisJvmExactlyForTheKernelsMeasuredFaster() {
        // the tests run with --add-modules=jdk.incubator.vector on a machine with AVX2 or better
        CombinerKernels kernels = CombinerKernels.get();
        for (Kernel kernel : Kernel.values()) {
            assertThat(kernels.simd(kernel)).as("%s", kernel).isEqualTo(kernel.simdFaster());
        }
        assertThat(kernels.toString()).startsWith("Vector API kernels");
    }

    @Test
    void shouldRunScalarExactlyTheKernelsWhoseSimdVersionMeasuredNoFaster() {
        CombinerKernels kernels = CombinerKernels.choose(512, kernel -> kernel != Kernel.GEOMETRIC_MEAN && kernel != Kernel.MARGIN);
        GeometricMean geometric = new GeometricMean(Task.BINARY, 1, new double[] {1, 2});
        WeightedAverage average = new WeightedAverage(Task.BINARY, 1, new double[] {1, 2});

        assertThat(kernels.select(geometric)).isSameAs(geometric);
        assertThat(kernels.select(average)).isInstanceOf(VectorCombiner.class);
        assertThat(kernels.simd(Kernel.MARGIN)).isFalse();
        assertThat(kernels.simd(Kernel.ENTROPY)).isTrue();
        assertThat(kernels.toString()).contains("scalar where SIMD measured no faster: geometric-mean (", "; margin (");
    }

    @Test
    void shouldMapEveryCombinerToItsKernel() {
        assertThat(everyCombiner().stream().map(Kernel::of).distinct()).containsExactlyInAnyOrder(Kernel.WEIGHTED_AVERAGE,
                Kernel.VOTING, Kernel.RANK_AVERAGE, Kernel.GEOMETRIC_MEAN, Kernel.LOGIT_AVERAGE, Kernel.STACKING);
    }

    private static List<Combiner> everyCombiner() {
        double[] weights = {1, 2};
        StackingModel model = new StackingModel(StackingModel.Link.LOGISTIC, StackingModel.Input.LOGIT, new double[] {0},
                new double[][] {{1}, {1}}, new int[0], new double[0][], new double[2]);
        return List.of(new WeightedAverage(Task.REGRESSION, 1, weights), WeightedAverage.simple(Task.MULTICLASS, 2, 3),
                new Voting(Task.BINARY, 1, weights), Voting.majority(Task.MULTICLASS, 2, 3),
                new RankAverage(weights, new float[][] {{0, 1}, {0, 0.5f, 1}}), new GeometricMean(Task.BINARY, 1, weights),
                new GeometricMean(Task.MULTICLASS, 3, weights), new LogitAverage(Task.MULTICLASS, 3, weights),
                new Stacking(Task.BINARY, 1, model));
    }
}
