package dev.tutti.trainer.plan;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Which members a library gets for {@code --size}: hand-picked lists for {@code small} (5, one per
 * kind), {@code medium} (14) and {@code large} (30), and for a number N the first N of a grid over
 * every family's settings, taken from the families in turn so any prefix stays diverse (the grid
 * has {@link #gridSize()} members).
 *
 * <p>Kinds: XGBoost trees, LightGBM gradient boosting, LightGBM random forests, linear models, MLPs.
 * Boosting rounds follow the learning rate (0.3: 60, 0.1: 200, 0.05: 400, 0.03: 600).
 *
 * <p>Stateless; every list is built the same way on every call.
 */
public final class LibraryPlan {
    private LibraryPlan() {}

    /**
     * @param size {@code small}, {@code medium}, {@code large} or a positive number
     * @throws IllegalArgumentException for anything else, or a number above {@link #gridSize()}
     */
    public static List<MemberRecipe> forSize(String size) {
        String s = size.trim().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "small" -> small();
            case "medium" -> medium();
            case "large" -> fill(medium(), 30);
            default -> {
                int n;
                try {
                    n = Integer.parseInt(s);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--size is small, medium, large or a number of members, not '" + size + "'");
                }
                if (n < 1 || n > gridSize()) {
                    throw new IllegalArgumentException("--size " + n + ": the grid has 1 to " + gridSize() + " members");
                }
                yield grid().subList(0, n);
            }
        };
    }

    static List<MemberRecipe> small() {
        return List.of(
                xgboost(4, 0.1, 1, 1, true),
                lightgbm(31, 0.1, 1, 1, true),
                forest(63, 0.7, 0.632),
                linear(1e-4, 0),
                mlp(64, 32, 0.001, 0, 20));
    }

    static List<MemberRecipe> medium() {
        List<MemberRecipe> list = new ArrayList<>(small());
        list.addAll(List.of(
                xgboost(6, 0.05, 0.8, 0.8, true),
                xgboost(3, 0.1, 1, 1, false),
                lightgbm(15, 0.05, 1, 1, false),
                lightgbm(63, 0.1, 0.8, 0.8, true),
                forest(255, 0.5, 0.8),
                linear(1e-2, 0),
                linear(0, 1e-3),
                mlp(128, 64, 0.001, 1e-4, 20),
                mlp(32, 16, 0.003, 0, 20)));
        return List.copyOf(list);
    }

    /** {@code first}, then grid members not already in it, up to {@code n}. */
    private static List<MemberRecipe> fill(List<MemberRecipe> first, int n) {
        Map<String, MemberRecipe> out = new LinkedHashMap<>();
        first.forEach(r -> out.put(r.id(), r));
        for (MemberRecipe r : grid()) {
            if (out.size() >= n) {
                break;
            }
            out.putIfAbsent(r.id(), r);
        }
        return List.copyOf(out.values());
    }

    public static int gridSize() {
        return grid().size();
    }

    /** Every kind's settings, each kind's list in a fixed pseudo-random order, interleaved kind by kind. */
    static List<MemberRecipe> grid() {
        List<List<MemberRecipe>> kinds = new ArrayList<>();
        double[] rates = {0.03, 0.05, 0.1, 0.3};
        List<MemberRecipe> xgb = new ArrayList<>();
        for (int depth : new int[] {2, 3, 4, 6, 8}) {
            for (double lr : rates) {
                for (double sample : new double[] {0.8, 1}) {
                    for (boolean categorical : new boolean[] {true, false}) {
                        xgb.add(xgboost(depth, lr, sample, sample, categorical));
                    }
                }
            }
        }
        kinds.add(xgb);
        List<MemberRecipe> gbm = new ArrayList<>();
        for (int leaves : new int[] {7, 15, 31, 63, 127}) {
            for (double lr : rates) {
                for (double fraction : new double[] {0.8, 1}) {
                    for (boolean categorical : new boolean[] {true, false}) {
                        gbm.add(lightgbm(leaves, lr, fraction, fraction, categorical));
                    }
                }
            }
        }
        kinds.add(gbm);
        List<MemberRecipe> rf = new ArrayList<>();
        for (int leaves : new int[] {31, 63, 127, 255}) {
            for (double ff : new double[] {0.3, 0.5, 0.7, 0.9}) {
                for (double bf : new double[] {0.5, 0.632, 0.8}) {
                    rf.add(forest(leaves, ff, bf));
                }
            }
        }
        kinds.add(rf);
        List<MemberRecipe> lin = new ArrayList<>();
        for (double lambda : new double[] {0, 1e-4, 1e-3, 1e-2, 0.1, 1}) {
            for (double alpha : new double[] {0, 1e-4, 1e-3, 1e-2}) {
                lin.add(linear(lambda, alpha));
            }
        }
        kinds.add(lin);
        List<MemberRecipe> nets = new ArrayList<>();
        int[][] shapes = {{32, 16}, {64, 32}, {128, 64}, {256, 128}, {64, 64}};
        for (int[] shape : shapes) {
            for (double lr : new double[] {0.001, 0.003}) {
                for (double wd : new double[] {0, 1e-4}) {
                    for (int epochs : new int[] {10, 20}) {
                        nets.add(mlp(shape[0], shape[1], lr, wd, epochs));
                    }
                }
            }
        }
        kinds.add(nets);
        long shuffleSeed = 20240611L;
        for (List<MemberRecipe> kind : kinds) {
            Collections.shuffle(kind, new Random(shuffleSeed++));
        }
        List<MemberRecipe> out = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; ; i++) {
            boolean any = false;
            for (List<MemberRecipe> kind : kinds) {
                if (i < kind.size()) {
                    any = true;
                    if (ids.add(kind.get(i).id())) {
                        out.add(kind.get(i));
                    }
                }
            }
            if (!any) {
                return List.copyOf(out);
            }
        }
    }

    static int rounds(double learningRate) {
        return learningRate >= 0.3 ? 60 : learningRate >= 0.1 ? 200 : learningRate >= 0.05 ? 400 : 600;
    }

    /** An XGBoost recipe of the grid's kind: rounds from the learning rate ({@link #rounds}), min child weight 1. */
    public static MemberRecipe xgboost(int depth, double lr, double subsample, double colsample, boolean nativeCategories) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("depth", depth);
        p.put("learningRate", lr);
        p.put("rounds", rounds(lr));
        p.put("subsample", subsample);
        p.put("colsample", colsample);
        p.put("minChildWeight", 1.0);
        p.put("categorical", nativeCategories ? "native" : "ordinal");
        String id = "xgboost-d" + depth + "-lr" + num(lr) + (nativeCategories ? "-cat" : "-ord")
                + (subsample < 1 ? "-ss" + num(subsample) : "") + (colsample < 1 ? "-cs" + num(colsample) : "");
        return new MemberRecipe(id, "xgboost", p);
    }

    /** A LightGBM gbdt recipe of the grid's kind: rounds from the learning rate, at least 20 rows per leaf. */
    public static MemberRecipe lightgbm(int leaves, double lr, double featureFraction, double baggingFraction, boolean nativeCategories) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("boosting", "gbdt");
        p.put("leaves", leaves);
        p.put("learningRate", lr);
        p.put("rounds", rounds(lr));
        p.put("featureFraction", featureFraction);
        p.put("baggingFraction", baggingFraction);
        p.put("minDataInLeaf", 20);
        p.put("categorical", nativeCategories ? "native" : "ordinal");
        String id = "lightgbm-l" + leaves + "-lr" + num(lr) + (nativeCategories ? "-cat" : "-ord")
                + (featureFraction < 1 ? "-ff" + num(featureFraction) : "") + (baggingFraction < 1 ? "-bf" + num(baggingFraction) : "");
        return new MemberRecipe(id, "lightgbm", p);
    }

    static MemberRecipe forest(int leaves, double featureFraction, double baggingFraction) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("boosting", "rf");
        p.put("leaves", leaves);
        p.put("learningRate", 1.0);
        p.put("rounds", 200);
        p.put("featureFraction", featureFraction);
        p.put("baggingFraction", baggingFraction);
        p.put("minDataInLeaf", 5);
        p.put("categorical", "native");
        return new MemberRecipe("lightgbm-rf-l" + leaves + "-ff" + num(featureFraction) + "-bf" + num(baggingFraction), "lightgbm", p);
    }

    static MemberRecipe linear(double lambda, double alpha) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("lambda", lambda);
        p.put("alpha", alpha);
        p.put("learningRate", 1.0);
        p.put("rounds", 100);
        return new MemberRecipe("linear-l2-" + num(lambda) + (alpha > 0 ? "-l1-" + num(alpha) : ""), "linear", p);
    }

    /** An MLP recipe of the grid's kind (two ReLU hidden layers, Adam, batch 128); any widths, not only the grid's. */
    public static MemberRecipe mlp(int hidden1, int hidden2, double lr, double weightDecay, int epochs) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("hidden1", hidden1);
        p.put("hidden2", hidden2);
        p.put("learningRate", lr);
        p.put("weightDecay", weightDecay);
        p.put("epochs", epochs);
        p.put("batchSize", 128);
        return new MemberRecipe("mlp-" + hidden1 + "x" + hidden2 + "-lr" + num(lr) + (weightDecay > 0 ? "-wd" + num(weightDecay) : "")
                + "-e" + epochs, "mlp", p);
    }

    /** A number as short plain text: 0.1, 1, 0.0001. */
    private static String num(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}
