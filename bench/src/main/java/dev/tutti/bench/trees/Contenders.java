package dev.tutti.bench.trees;

import dev.tutti.cpu.tree.JavaTreeRuntimeProvider;
import dev.tutti.cpu.tree.batch.TreeAlgorithm;
import dev.tutti.cpu.tree.model.TreeEnsemble;
import java.util.ArrayList;
import java.util.List;

/** The contenders of the tree benchmarks, by name. */
final class Contenders {
    /** Tutti's evaluations and the libraries; each model gets those that apply to it. */
    static final List<String> NAMES = List.of(
            "tutti-auto", "tutti-traversal", "tutti-quickscorer", "tutti-vquickscorer", "tutti-bitslice", "reference", "xgboost4j",
            "xgboost4j-inplace", "lightgbm");

    private Contenders() {}

    /** Whether contender {@code name} can score {@code model}. */
    static boolean applies(String name, BenchModel model) {
        return switch (name) {
            case "xgboost4j", "xgboost4j-inplace" -> model.isXGBoost();
            case "lightgbm" -> !model.isXGBoost();
            case "tutti-quickscorer" -> TreeAlgorithm.QUICKSCORER.supports(parse(model));
            case "tutti-bitslice" -> TreeAlgorithm.BITSLICE.supports(parse(model));
            default -> true;
        };
    }

    /** The contenders among {@code names} that apply to {@code model}, in the order given. */
    static List<String> applicable(List<String> names, BenchModel model) {
        List<String> out = new ArrayList<>();
        for (String name : names) {
            if (applies(name, model)) {
                out.add(name);
            }
        }
        return out;
    }

    static Contender create(String name, BenchModel model, int maxBatch) {
        return switch (name) {
            case "tutti-auto" -> new MemberContender(model, "auto", maxBatch);
            case "tutti-traversal" -> new MemberContender(model, "traversal", maxBatch);
            case "tutti-quickscorer" -> new MemberContender(model, "quickscorer", maxBatch);
            case "tutti-vquickscorer" -> new MemberContender(model, "vquickscorer", maxBatch);
            case "tutti-bitslice" -> new MemberContender(model, "bitslice", maxBatch);
            case "reference" -> new MemberContender(model, "reference", maxBatch);
            case "xgboost4j" -> new XGBoostContender(model, false, maxBatch);
            case "xgboost4j-inplace" -> new XGBoostContender(model, true, maxBatch);
            case "lightgbm" -> new LightGbmContender(model, maxBatch);
            default -> throw new IllegalArgumentException("no contender " + name + "; known: " + NAMES);
        };
    }

    private static TreeEnsemble parse(BenchModel model) {
        try {
            return JavaTreeRuntimeProvider.parse(model.spec().format(), model.spec().artifact());
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
