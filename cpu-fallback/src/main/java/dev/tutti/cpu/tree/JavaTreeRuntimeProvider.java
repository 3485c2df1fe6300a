package dev.tutti.cpu.tree;

import dev.tutti.cpu.tree.batch.BatchTreeEvaluator;
import dev.tutti.cpu.tree.model.TreeEnsemble;
import dev.tutti.cpu.tree.model.TreeModelException;
import dev.tutti.combine.Task;
import dev.tutti.cpu.tree.lightgbm.LightGbmModelReader;
import dev.tutti.cpu.tree.xgboost.XGBoostModelReader;
import dev.tutti.engine.schema.FeatureSpec;
import dev.tutti.engine.spi.Member;
import dev.tutti.engine.spi.MemberException;
import dev.tutti.engine.spi.MemberRuntimeProvider;
import dev.tutti.engine.spi.ModelFormats;
import dev.tutti.engine.spi.ModelSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * The Java tree runtime: XGBoost (JSON, UBJ) and LightGBM (text) models parsed into a
 * {@link TreeEnsemble} and evaluated in plain Java exactly as the libraries that trained them (see
 * {@link XGBoostModelReader} and {@link LightGbmModelReader} for the semantics), by the batch
 * evaluator or the reference one (member option {@code algorithm}, see {@link TreeEvaluation}).
 *
 * <p>Threads: stateless; {@link #load} may run concurrently.
 */
public final class JavaTreeRuntimeProvider implements MemberRuntimeProvider {
    public static final String NAME = "java-trees";
    public static final int RANK = 100;
    private static final Set<String> FORMATS =
            Set.of(ModelFormats.XGBOOST_JSON, ModelFormats.XGBOOST_UBJ, ModelFormats.LIGHTGBM_TEXT);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int rank() {
        return RANK;
    }

    @Override
    public Set<String> formats() {
        return FORMATS;
    }

    @Override
    public Optional<String> unavailableReason(ModelSpec spec) {
        if (spec == null || !FORMATS.contains(spec.format())) {
            return Optional.of(NAME + " loads only " + FORMATS + (spec == null ? "" : ", not " + spec.format()));
        }
        return Optional.empty();
    }

    @Override
    public Member load(ModelSpec spec) throws MemberException {
        if (!FORMATS.contains(spec.format())) {
            throw new MemberException("member " + spec.pin() + ": " + NAME + " cannot load format " + spec.format());
        }
        Path file = spec.artifact();
        TreeEnsemble model;
        try {
            model = parse(spec.format(), file);
        } catch (IOException e) {
            throw new MemberException("member " + spec.pin() + ": cannot read " + spec.format() + " model " + file + ": " + e, e);
        } catch (TreeModelException e) {
            throw new MemberException("member " + spec.pin() + ": cannot load " + spec.format() + " model "
                    + file.getFileName() + " (" + file + "): " + e.getMessage(), e);
        }
        check(spec, model);
        int threads = TreeEvaluation.threads(spec);
        BatchTreeEvaluator[] evaluators = new BatchTreeEvaluator[threads];
        for (int t = 0; t < threads; t++) {
            evaluators[t] = TreeEvaluation.evaluator(spec, model);
        }
        return new TreeMember(spec, model, evaluators);
    }

    /**
     * Parses a model file of one of this provider's formats.
     *
     * @throws TreeModelException when the file is malformed or uses something unsupported
     * @throws IOException when it cannot be read
     */
    public static TreeEnsemble parse(String format, Path file) throws IOException, TreeModelException {
        byte[] bytes = Files.readAllBytes(file);
        return switch (format) {
            case ModelFormats.XGBOOST_JSON -> XGBoostModelReader.readJson(bytes);
            case ModelFormats.XGBOOST_UBJ -> XGBoostModelReader.readUbj(bytes);
            case ModelFormats.LIGHTGBM_TEXT -> LightGbmModelReader.read(new String(bytes, StandardCharsets.UTF_8));
            default -> throw new TreeModelException("format " + format + " is not a tree format (" + FORMATS + ")");
        };
    }

    /** Checks that the model fits the member's schema, task and classes. */
    static void check(ModelSpec spec, TreeEnsemble model) throws MemberException {
        String prefix = "member " + spec.pin() + " (" + spec.artifact().getFileName() + ", " + model.description() + "): ";
        int width = spec.schema().width();
        if (model.featureCount() > width) {
            throw new MemberException(prefix + "the model takes " + model.featureCount()
                    + " features but the member's schema has only " + width);
        }
        if (!model.servedTasks().contains(spec.task())) {
            throw new MemberException(prefix + "the model is a " + name(model.task()) + " model but the member is declared "
                    + name(spec.task()));
        }
        if (spec.task() == Task.MULTICLASS && model.classes() != spec.classes()) {
            throw new MemberException(prefix + "the model has " + model.classes() + " classes but the member declares "
                    + spec.classes());
        }
        for (int f = 0; f < model.featureCount(); f++) {
            FeatureSpec feature = spec.schema().feature(f);
            if (model.splitsCategorically(f) && !feature.isCategorical()) {
                throw new MemberException(prefix + "the model splits feature " + f + " ('" + feature.name()
                        + "') as categorical but the schema declares it numeric");
            }
        }
    }

    private static String name(Task task) {
        return task.name().toLowerCase(java.util.Locale.ROOT);
    }
}
