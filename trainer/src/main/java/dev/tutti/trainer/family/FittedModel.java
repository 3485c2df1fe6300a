package dev.tutti.trainer.family;

import dev.tutti.trainer.data.Dataset;
import java.io.IOException;
import java.nio.file.Path;

/**
 * One trained model of a family, held by the library that trained it (native boosters, a DJL
 * model): the trainer predicts with it (out-of-fold rows, the parity sample) and saves it.
 *
 * <p>Threads: one thread at a time. Ownership: the caller closes it; it frees its native handles.
 */
public interface FittedModel extends AutoCloseable {

    /**
     * Predicts the given rows with the training library itself.
     *
     * @return rows x outputs, row-major: P(positive class) for binary, K class probabilities for
     *     multiclass, the value for regression
     */
    double[] predict(Dataset data, int[] rows);

    /** Writes the model file into {@code directory} in a format the serving runtimes load. */
    Artifact save(Path directory) throws IOException;

    @Override
    void close();
}
