package dev.tutti.cpu.tree;

import dev.tutti.cpu.tree.batch.BatchTreeEvaluator;
import dev.tutti.cpu.tree.batch.TreeAlgorithm;
import dev.tutti.cpu.tree.model.TreeEnsemble;
import dev.tutti.engine.spi.MemberException;
import dev.tutti.engine.spi.ModelSpec;
import java.util.Arrays;
import java.util.Locale;

/**
 * The member option {@value #OPTION} that picks how a tree member is evaluated: {@value #AUTO}
 * (default: a {@link BatchTreeEvaluator#adaptive} evaluator that times every suitable algorithm on
 * the first rows and keeps the fastest), one {@link TreeAlgorithm} by name ({@code traversal},
 * {@code quickscorer}, {@code vquickscorer}, {@code bitslice}), or {@value #REFERENCE} (the row-at-a-time reference
 * evaluator, {@link dev.tutti.cpu.tree.model.TreeEnsemble#predict}).
 *
 * <p>Threads: stateless.
 */
final class TreeEvaluation {
    static final String OPTION = "algorithm";
    static final String THREADS = "threads";
    static final int MAX_THREADS = 256;
    static final String AUTO = "auto";
    static final String REFERENCE = "reference";

    private TreeEvaluation() {}

    /** The batch evaluator the spec asks for, or null for the reference evaluator. */
    static BatchTreeEvaluator evaluator(ModelSpec spec, TreeEnsemble model) throws MemberException {
        String value = spec.option(OPTION, AUTO).trim().toLowerCase(Locale.ROOT);
        if (value.equals(AUTO)) {
            return BatchTreeEvaluator.adaptive(model);
        }
        if (value.equals(REFERENCE)) {
            return null;
        }
        TreeAlgorithm algorithm = Arrays.stream(TreeAlgorithm.values())
                .filter(a -> a.name().toLowerCase(Locale.ROOT).equals(value))
                .findFirst()
                .orElseThrow(() -> new MemberException("member " + spec.pin() + ": option " + OPTION + "='"
                        + spec.option(OPTION, "") + "' is not one of " + choices()));
        if (!algorithm.supports(model)) {
            throw new MemberException("member " + spec.pin() + ": option " + OPTION + "='" + value
                    + "' cannot evaluate " + model.description() + " (" + algorithm + " needs " + algorithm.requirements() + ")");
        }
        return BatchTreeEvaluator.create(model, algorithm);
    }

    /**
     * The member option {@value #THREADS}: how many threads score one call's rows (default 1), each a
     * contiguous share of them with its own evaluator; the reference evaluator takes only 1.
     */
    static int threads(ModelSpec spec) throws MemberException {
        String value = spec.option(THREADS, "1").trim();
        int threads;
        try {
            threads = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            threads = -1;
        }
        if (threads < 1 || threads > MAX_THREADS) {
            throw new MemberException("member " + spec.pin() + ": option " + THREADS + "='" + value + "' must be a whole number from 1 to "
                    + MAX_THREADS);
        }
        if (threads > 1 && spec.option(OPTION, AUTO).trim().equalsIgnoreCase(REFERENCE)) {
            throw new MemberException("member " + spec.pin() + ": option " + THREADS + "=" + threads + " needs a batch algorithm, not "
                    + OPTION + "=" + REFERENCE + " (the reference evaluator scores one row at a time on one thread)");
        }
        return threads;
    }

    private static String choices() {
        StringBuilder s = new StringBuilder(AUTO);
        for (TreeAlgorithm a : TreeAlgorithm.values()) {
            s.append(", ").append(a.name().toLowerCase(Locale.ROOT));
        }
        return s.append(", ").append(REFERENCE).toString();
    }
}
