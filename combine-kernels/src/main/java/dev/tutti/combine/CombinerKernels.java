package dev.tutti.combine;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntSupplier;
import java.util.function.Predicate;

/**
 * Chooses, once per JVM, between the Vector API kernels and the scalar reference, and says why in the
 * log. The scalar combiners stay the reference: {@link #select} maps one to the kernel that runs it.
 *
 * <p>The Vector API kernels are used when all of these hold, otherwise the scalar ones:
 *
 * <ul>
 *   <li>the system property {@value #PROPERTY} is unset or {@code auto} ({@code scalar} forces the
 *       scalar kernels);
 *   <li>the {@code jdk.incubator.vector} module is loaded ({@code --add-modules=jdk.incubator.vector};
 *       the {@code tutti} launcher, the tests and the benchmarks pass it);
 *   <li>the C2 compiler runs (not {@code -Xint}, no {@code -XX:TieredStopAtLevel} below 4): without it
 *       vector code is interpreted and boxes every vector;
 *   <li>the preferred float species has at least 256 bits (AVX2 or AVX-512): on 128-bit SSE or NEON
 *       masked tails are emulated and the measured gains of {@link Kernel} do not carry over.
 * </ul>
 *
 * Then each {@link Kernel} runs its SIMD version only where it measured faster than the scalar one
 * ({@link Kernel#simdFaster()}).
 *
 * <p>Threads: immutable and shared; {@link #get} is safe from any thread (class-initialisation lock).
 * Allocation: {@link #get} allocates once per JVM; {@link #select} allocates the kernel it returns
 * (load time). Nothing here is on the per-batch path.
 */
public final class CombinerKernels {
    /** The system property that forces the scalar kernels: {@code -Dtutti.kernels=scalar}. */
    public static final String PROPERTY = "tutti.kernels";

    private static final Logger LOG = System.getLogger(CombinerKernels.class.getName());

    private final Set<Kernel> simd;
    private final String description;
    private final ConfidenceKernels confidence;

    private CombinerKernels(Set<Kernel> simd, String description) {
        this.simd = simd.isEmpty() ? EnumSet.noneOf(Kernel.class) : EnumSet.copyOf(simd);
        this.description = description;
        this.confidence = simd.isEmpty() ? ConfidenceKernels.scalar() : new SelectedConfidence(
                confidenceFor(Kernel.PREDICTED_CLASS), confidenceFor(Kernel.AGREEMENT), confidenceFor(Kernel.MARGIN),
                confidenceFor(Kernel.ENTROPY));
    }

    /** The kernels of this JVM, chosen (and logged) on first use. */
    public static CombinerKernels get() {
        return Holder.INSTANCE;
    }

    /**
     * Every kernel's SIMD version, whatever was measured: for benchmarks and tests that compare the
     * two side by side.
     *
     * @throws UnsupportedOperationException when the Vector API cannot be used, saying why
     */
    public static CombinerKernels simdOnly() {
        String unusable = scalarReason("auto", vectorModuleLoaded(), c2Enabled(jvmArguments()), VectorKernels::bits);
        if (unusable != null) {
            throw new UnsupportedOperationException("the Vector API kernels cannot run: " + unusable);
        }
        return new CombinerKernels(EnumSet.allOf(Kernel.class), "SIMD for every kernel (forced)");
    }

    /** The scalar reference for every kernel. */
    public static CombinerKernels scalarOnly() {
        return new CombinerKernels(EnumSet.noneOf(Kernel.class), "scalar for every kernel (forced)");
    }

    /** The kernel that runs {@code reference}: its SIMD version where chosen, else {@code reference} itself. */
    public Combiner select(Combiner reference) {
        Kernel kernel = Kernel.of(reference);
        return kernel != null && simd.contains(kernel) ? VectorKernels.combiner(reference) : reference;
    }

    /** The confidence kernels, each SIMD or scalar as chosen. */
    public ConfidenceKernels confidence() {
        return confidence;
    }

    /** Whether {@code kernel} runs its SIMD version. */
    public boolean simd(Kernel kernel) {
        return simd.contains(kernel);
    }

    /** What was chosen and why, as logged. */
    @Override
    public String toString() {
        return description;
    }

    private ConfidenceKernels confidenceFor(Kernel kernel) {
        return simd.contains(kernel) ? VectorKernels.confidence() : ConfidenceKernels.scalar();
    }

    /**
     * Why the scalar kernels must run, or null when the Vector API ones can.
     *
     * @param property the value of {@value #PROPERTY} (null when unset)
     * @param speciesBits asked only when the module is loaded and C2 runs
     */
    static String scalarReason(String property, boolean moduleLoaded, boolean c2, IntSupplier speciesBits) {
        if (property != null && !property.equals("auto")) {
            return property.equals("scalar") ? "forced by -D" + PROPERTY + "=scalar"
                    : "-D" + PROPERTY + "=" + property + " is neither auto nor scalar";
        }
        if (!moduleLoaded) {
            return "the jdk.incubator.vector module is not loaded (start the JVM with --add-modules=jdk.incubator.vector)";
        }
        if (!c2) {
            return "the C2 compiler is off (-Xint or -XX:TieredStopAtLevel below 4): vector code would run interpreted";
        }
        int bits = speciesBits.getAsInt();
        if (bits < 256) {
            return "the preferred vector species has " + bits + " bits, below the 256 the kernels were measured to gain at";
        }
        return null;
    }

    /** Whether none of the JVM's arguments turns C2 off. */
    static boolean c2Enabled(List<String> jvmArguments) {
        for (String argument : jvmArguments) {
            if (argument.equals("-Xint") || argument.matches("-XX:TieredStopAtLevel=[0-3]")) {
                return false;
            }
        }
        return true;
    }

    private static boolean vectorModuleLoaded() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    private static List<String> jvmArguments() {
        return ManagementFactory.getRuntimeMXBean().getInputArguments();
    }

    private static CombinerKernels lookup() {
        String reason = scalarReason(System.getProperty(PROPERTY), vectorModuleLoaded(), c2Enabled(jvmArguments()),
                VectorKernels::bits);
        CombinerKernels chosen = reason != null
                ? new CombinerKernels(EnumSet.noneOf(Kernel.class), "scalar kernels: " + reason)
                : choose(VectorKernels.bits(), Kernel::simdFaster);
        LOG.log(Level.INFO, "combine kernels: {0}", chosen);
        return chosen;
    }

    /**
     * The Vector API kernels where {@code measuredFaster} says SIMD beat scalar, the scalar reference
     * elsewhere, described with the measurement behind each scalar choice.
     */
    static CombinerKernels choose(int bits, Predicate<Kernel> measuredFaster) {
        Set<Kernel> simd = EnumSet.noneOf(Kernel.class);
        StringBuilder scalarKernels = new StringBuilder();
        for (Kernel kernel : Kernel.values()) {
            if (measuredFaster.test(kernel)) {
                simd.add(kernel);
            } else {
                scalarKernels.append(scalarKernels.isEmpty() ? "" : "; ").append(kernel).append(" (")
                        .append(kernel.measured()).append(')');
            }
        }
        return new CombinerKernels(simd, "Vector API kernels, " + bits + "-bit float species; SIMD for " + simd
                + " (each measured faster than scalar, docs/benchmarks.md)"
                + (scalarKernels.isEmpty() ? "" : "; scalar where SIMD measured no faster: " + scalarKernels));
    }

    /** Lazy, thread-safe initialisation of {@link #get}. */
    private static final class Holder {
        static final CombinerKernels INSTANCE = lookup();
    }

    /** Confidence kernels picked one by one. */
    private record SelectedConfidence(ConfidenceKernels predictedClassKernel, ConfidenceKernels agreementKernel,
            ConfidenceKernels marginKernel, ConfidenceKernels entropyKernel) implements ConfidenceKernels {
        @Override
        public void predictedClass(Task task, ScoreMatrix combined, int[] out) {
            predictedClassKernel.predictedClass(task, combined, out);
        }

        @Override
        public void agreement(Combiner combiner, ScoreMatrix scores, boolean[] present, ScoreMatrix combined,
                double spreadScale, float[] out) {
            agreementKernel.agreement(combiner, scores, present, combined, spreadScale, out);
        }

        @Override
        public void margin(Task task, ScoreMatrix combined, float[] out) {
            marginKernel.margin(task, combined, out);
        }

        @Override
        public void entropy(Task task, ScoreMatrix combined, float[] out) {
            entropyKernel.entropy(task, combined, out);
        }
    }
}
