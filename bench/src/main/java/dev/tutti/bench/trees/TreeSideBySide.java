package dev.tutti.bench.trees;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Side-by-side throughput of the tree contenders on one model, single-threaded, following
 * {@code ../shared/docs/BENCHMARKING.md}: the same rows for everyone, a parity check first, a
 * warm-up, then rounds in which every contender scores for the same time, in an order that rotates
 * from round to round; each round gives every contender its rows per second and its ratio to the
 * reference evaluator and to the library that trained the model, measured in that round. Prints
 * the median and the range over the rounds as Markdown.
 *
 * <p>Run one model per JVM (JIT profiles of one model's kernels would colour another's):
 * <pre>
 * OMP_NUM_THREADS=1 java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar \
 *     dev.tutti.bench.trees.TreeSideBySide --model xgb-300-d6 --batches 1,64,256,4096
 * </pre>
 * Options: {@code --model} (one of {@link BenchModel#NAMES}), {@code --batches},
 * {@code --contenders} (of {@link Contenders#NAMES}), {@code --rounds} (7), {@code --millis} per
 * contender per round (300), {@code --warmup-millis} per contender (2000; an {@code auto} member is
 * warmed until its trial has chosen).
 */
public final class TreeSideBySide {
    private static double sink;

    private TreeSideBySide() {}

    public static void main(String[] args) throws Exception {
        String modelName = option(args, "--model", "xgb-300-d6");
        int[] batches = Arrays.stream(option(args, "--batches", "256").split(",")).mapToInt(Integer::parseInt).toArray();
        List<String> wanted = List.of(option(args, "--contenders", String.join(",", Contenders.NAMES)).split(","));
        int rounds = Integer.parseInt(option(args, "--rounds", "7"));
        long millis = Long.parseLong(option(args, "--millis", "300"));
        long warmupMillis = Long.parseLong(option(args, "--warmup-millis", "2000"));

        BenchModel model = BenchModel.named(modelName);
        List<String> names = Contenders.applicable(wanted, model);
        String library = model.isXGBoost() ? "xgboost4j" : "lightgbm";
        System.out.printf(Locale.ROOT, "%n### %s (%s), %d rows of %d features%n%n", modelName, model.spec().artifact().getFileName(),
                BenchModel.ROWS, model.width());
        System.out.println("| batch | contender | rows/s, median (min-max) | x reference | x " + library + " | parity |");
        System.out.println("|---|---|---|---|---|---|");
        for (int batch : batches) {
            List<Contender> contenders = new ArrayList<>();
            for (String name : names) {
                contenders.add(Contenders.create(name, model, batch));
            }
            String[] parity = parity(contenders, model, batch);
            for (Contender c : contenders) {
                run(c, model, batch, warmupMillis * 1_000_000L);
                // an auto member must have chosen before it is measured (its trial interleaves the algorithms)
                for (int i = 0; i < 60 && c instanceof MemberContender m && !m.settled(); i++) {
                    run(c, model, batch, 500_000_000L);
                }
            }
            double[][] rowsPerSecond = new double[contenders.size()][rounds];
            for (int round = 0; round < rounds; round++) {
                for (int i = 0; i < contenders.size(); i++) {
                    int k = (i + round) % contenders.size();
                    rowsPerSecond[k][round] = run(contenders.get(k), model, batch, millis * 1_000_000L);
                }
            }
            int reference = names.indexOf("reference");
            int lib = names.indexOf(library);
            for (int k = 0; k < contenders.size(); k++) {
                String name = names.get(k);
                if (contenders.get(k) instanceof MemberContender m && name.equals("tutti-auto")) {
                    name += " (" + m.evaluation().replaceAll(":.*", "") + ")";
                }
                System.out.printf(Locale.ROOT, "| %d | %s | %s | %s | %s | %s |%n", batch, name, range(rowsPerSecond[k], 1, "%.0f"),
                        reference < 0 ? "" : ratios(rowsPerSecond[k], rowsPerSecond[reference]),
                        lib < 0 ? "" : ratios(rowsPerSecond[k], rowsPerSecond[lib]), parity[k]);
            }
            for (Contender c : contenders) {
                if (c instanceof MemberContender m && c.name().equals("tutti-auto")) {
                    System.out.println("<!-- batch " + batch + " tutti-auto: " + m.evaluation() + " -->");
                }
                c.close();
            }
        }
        System.out.println("<!-- sink " + sink + " -->");
    }

    /** Scores batch after batch for {@code nanos}; returns rows per second. */
    private static double run(Contender contender, BenchModel model, int batch, long nanos) {
        long start = System.nanoTime();
        long rows = 0;
        int from = 0;
        double s = 0;
        long elapsed;
        do {
            s += contender.score(from, batch);
            rows += batch;
            from += batch;
            if (from + batch > BenchModel.ROWS) {
                from = 0;
            }
            elapsed = System.nanoTime() - start;
        } while (elapsed < nanos);
        sink += s;
        return rows * 1e9 / elapsed;
    }

    /**
     * Every contender's outputs against the reference evaluator's on all rows: Tutti's must be the
     * same floats; the libraries' differences are reported (their rounding, or a bug).
     */
    private static String[] parity(List<Contender> contenders, BenchModel model, int batch) {
        int outputs = model.spec().outputs();
        double[][] reference = null;
        for (Contender c : contenders) {
            if (c.name().equals("reference")) {
                reference = outputs(c, model, batch, outputs);
            }
        }
        String[] result = new String[contenders.size()];
        for (int k = 0; k < contenders.size(); k++) {
            Contender c = contenders.get(k);
            if (reference == null || c.name().equals("reference")) {
                result[k] = "";
                continue;
            }
            double[][] got = outputs(c, model, batch, outputs);
            double worst = 0;
            for (int r = 0; r < got.length; r++) {
                for (int o = 0; o < outputs; o++) {
                    worst = Math.max(worst, Math.abs(got[r][o] - reference[r][o]) / Math.max(1, Math.abs(reference[r][o])));
                }
            }
            boolean tutti = c instanceof MemberContender;
            if (tutti && worst != 0) {
                throw new IllegalStateException(c.name() + " differs from the reference evaluator on " + model.name()
                        + " (max relative difference " + worst + ")");
            }
            result[k] = tutti ? "identical" : String.format(Locale.ROOT, "max rel. diff %.1e", worst);
        }
        return result;
    }

    private static double[][] outputs(Contender c, BenchModel model, int batch, int outputs) {
        double[][] out = new double[BenchModel.ROWS][outputs];
        for (int from = 0; from + batch <= BenchModel.ROWS; from += batch) {
            c.score(from, batch);
            for (int r = 0; r < batch; r++) {
                for (int o = 0; o < outputs; o++) {
                    out[from + r][o] = c.output(r, o);
                }
            }
        }
        return out;
    }

    private static String ratios(double[] mine, double[] theirs) {
        double[] ratio = new double[mine.length];
        for (int i = 0; i < mine.length; i++) {
            ratio[i] = mine[i] / theirs[i];
        }
        return range(ratio, 1, "%.2f");
    }

    private static String range(double[] values, double scale, String format) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double median = sorted.length % 2 == 1
                ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        return String.format(Locale.ROOT, format + " (" + format + "-" + format + ")", median * scale, sorted[0] * scale,
                sorted[sorted.length - 1] * scale);
    }

    private static String option(String[] args, String name, String defaultValue) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return defaultValue;
    }
}
