package dev.tutti.engine.manifest;

import dev.tutti.combine.Combiner;
import dev.tutti.combine.GeometricMean;
import dev.tutti.combine.LogitAverage;
import dev.tutti.combine.RankAverage;
import dev.tutti.combine.Stacking;
import dev.tutti.combine.StackingModel;
import dev.tutti.combine.Task;
import dev.tutti.combine.Voting;
import dev.tutti.combine.WeightedAverage;
import dev.tutti.engine.schema.InputSchema;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds the combiner of a manifest from its {@code combiner} object (forms in docs/formats.md).
 * Per-member parameters are objects keyed by member name and must name every member exactly once.
 *
 * <p>Threads: used once per load. Allocation: load-time only.
 */
final class CombinerReader {
    static final List<String> TYPES = List.of("average", "weighted-average", "majority-vote", "weighted-vote",
            "rank-average", "geometric-mean", "logit-average", "stacking");

    private static final int ANY_LENGTH = -1;

    private final Task task;
    private final int outputs;
    private final List<String> members;
    private final InputSchema schema;
    private final JsonFields reference;

    CombinerReader(Task task, int outputs, List<String> members, InputSchema schema, JsonFields reference) {
        this.task = task;
        this.outputs = outputs;
        this.members = members;
        this.schema = schema;
        this.reference = reference;
    }

    Combiner read(JsonFields spec) throws ManifestException {
        String type = spec.string("type");
        try {
            return switch (type) {
                case "average" -> WeightedAverage.simple(task, members.size(), outputs);
                case "weighted-average" -> new WeightedAverage(task, outputs, weights(spec, true));
                case "majority-vote" -> Voting.majority(task, members.size(), outputs, spec.number("threshold", Voting.DEFAULT_THRESHOLD));
                case "weighted-vote" -> new Voting(task, outputs, weights(spec, true), spec.number("threshold", Voting.DEFAULT_THRESHOLD));
                case "rank-average" -> new RankAverage(weights(spec, false), quantiles());
                case "geometric-mean" -> new GeometricMean(task, outputs, weights(spec, false));
                case "logit-average" -> new LogitAverage(task, outputs, weights(spec, false));
                case "stacking" -> new Stacking(task, outputs, stacking(spec));
                default -> throw spec.error("type", "unknown combiner \"" + type + "\"; known: " + TYPES);
            };
        } catch (IllegalArgumentException e) {
            throw spec.error(type + " does not fit this ensemble: " + e.getMessage());
        }
    }

    private double[] equalWeights() {
        double[] w = new double[members.size()];
        Arrays.fill(w, 1);
        return w;
    }

    private double[] weights(JsonFields spec, boolean required) throws ManifestException {
        if (!spec.has("weights")) {
            if (required) {
                throw spec.error("weights", "required: an object giving every member's weight");
            }
            return equalWeights();
        }
        JsonFields object = spec.object("weights");
        double[][] perMember = perMember(object, 1);
        double[] w = new double[members.size()];
        boolean positive = false;
        for (int m = 0; m < w.length; m++) {
            w[m] = perMember[m][0];
            if (!(w[m] >= 0) || Double.isInfinite(w[m])) {
                throw object.error(members.get(m), "a weight must be finite and >= 0, not " + w[m]);
            }
            positive |= w[m] > 0;
        }
        if (!positive) {
            throw spec.error("weights", "at least one member needs a positive weight");
        }
        return w;
    }

    /**
     * Reads an object keyed by member name; each value is a number (when {@code width} is 1) or an
     * array of {@code width} numbers ({@link #ANY_LENGTH}: an array of any length).
     */
    private double[][] perMember(JsonFields object, int width) throws ManifestException {
        Set<String> unknown = new HashSet<>(object.fieldNames());
        unknown.removeAll(members);
        if (!unknown.isEmpty()) {
            throw object.error("names no member of this ensemble: " + unknown + "; members are " + members);
        }
        double[][] out = new double[members.size()][];
        for (int m = 0; m < out.length; m++) {
            String name = members.get(m);
            if (!object.has(name)) {
                throw object.error(name, "required: every member needs a value");
            }
            out[m] = object.node().get(name).isNumber() ? new double[] {object.number(name)} : object.numbers(name);
            if (width != ANY_LENGTH && out[m].length != width) {
                throw object.error(name, "has " + out[m].length + " values; expected " + width);
            }
        }
        return out;
    }

    private float[][] quantiles() throws ManifestException {
        if (reference == null || !reference.has("quantiles")) {
            throw new ManifestException("manifest.json: reference.quantiles: required by rank-average");
        }
        JsonFields object = reference.object("quantiles");
        double[][] q = perMember(object, ANY_LENGTH);
        float[][] out = new float[q.length][];
        for (int m = 0; m < q.length; m++) {
            if (q[m].length < 2) {
                throw object.error(members.get(m), "needs at least 2 quantiles (the minimum and the maximum)");
            }
            out[m] = new float[q[m].length];
            for (int i = 0; i < q[m].length; i++) {
                out[m][i] = (float) q[m][i];
                if (!Float.isFinite(out[m][i]) || i > 0 && out[m][i] < out[m][i - 1]) {
                    throw object.error(members.get(m), "quantiles must be finite and ascending; value " + i + " is " + q[m][i]
                            + (i > 0 ? " after " + q[m][i - 1] : ""));
                }
            }
        }
        return out;
    }

    private StackingModel stacking(JsonFields spec) throws ManifestException {
        String meta = spec.string("meta");
        StackingModel.Link link = switch (meta) {
            case "logistic" -> StackingModel.Link.LOGISTIC;
            case "softmax" -> StackingModel.Link.SOFTMAX;
            case "linear" -> StackingModel.Link.IDENTITY;
            default -> throw spec.error("meta", "expected logistic, softmax or linear, not \"" + meta + "\"");
        };
        String input = spec.string("input", task == Task.REGRESSION ? "probability" : "logit");
        StackingModel.Input in = switch (input) {
            case "logit" -> StackingModel.Input.LOGIT;
            case "probability", "value" -> StackingModel.Input.PROBABILITY;
            default -> throw spec.error("input", "expected logit or probability, not \"" + input + "\"");
        };
        int k = outputs;
        double[][] coefficients = perMember(spec.object("coefficients"), k * k);
        double[] fill = new double[members.size() * k];
        if (spec.has("fill")) {
            double[][] perMember = perMember(spec.object("fill"), k);
            for (int m = 0; m < perMember.length; m++) {
                System.arraycopy(perMember[m], 0, fill, m * k, k);
            }
        }
        List<JsonFields> pass = spec.has("passThrough") ? spec.array("passThrough") : List.of();
        int[] features = new int[pass.size()];
        double[][] passCoefficients = new double[pass.size()][];
        for (int i = 0; i < features.length; i++) {
            String feature = pass.get(i).string("feature");
            features[i] = schema.indexOf(feature);
            if (features[i] < 0) {
                throw pass.get(i).error("feature", "'" + feature + "' is not a feature of the ensemble's schema");
            }
            passCoefficients[i] = pass.get(i).numbers("coef");
        }
        return new StackingModel(link, in, spec.numbers("intercept"), coefficients, features, passCoefficients, fill);
    }
}
