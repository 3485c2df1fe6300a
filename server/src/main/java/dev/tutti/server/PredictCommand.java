package dev.tutti.server;

import dev.tutti.engine.ensemble.Ensemble;
import dev.tutti.engine.ensemble.EnsembleLoader;
import dev.tutti.engine.ensemble.Predictions;
import dev.tutti.engine.ensemble.RowExplanation;
import dev.tutti.engine.ensemble.Scorer;
import dev.tutti.engine.manifest.EnsembleManifest;
import dev.tutti.engine.schema.InvalidInputException;
import dev.tutti.engine.schema.TextRowEncoder;
import dev.tutti.engine.spi.Member;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tutti predict}: scores a CSV file with an ensemble, in batches, and writes one output row
 * per input row: {@code row} (the input row's index, from 0), {@code prediction} (class label or
 * value), {@code score} (P(positive class) for binary, the predicted class's probability for
 * multiclass, the value for regression), {@code confidence}, one column per member with the same
 * quantity from that member alone (empty when the member did not answer), and {@code missing}
 * (members that did not answer). {@code --explain} adds {@code consensus} and each member's signed
 * contribution.
 */
@Command(name = "predict", description = "Score the rows of a CSV file with an ensemble and write the answers as CSV.")
final class PredictCommand implements Callable<Integer> {
    enum OnError {
        FAIL,
        SKIP
    }

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--ensemble", required = true, paramLabel = "DIR", description = "Ensemble version directory (holds manifest.json).")
    Path ensembleDirectory;

    @Option(names = "--input", required = true, paramLabel = "CSV",
            description = "Input rows with a header naming the features (any order; other columns are ignored). '-' reads stdin.")
    String input;

    @Option(names = "--output", required = true, paramLabel = "CSV", description = "Where to write the answers. '-' writes stdout.")
    String output;

    @Option(names = "--explain", description = "Add each member's signed contribution and the consensus level.")
    boolean explain;

    @Option(names = "--batch-size", defaultValue = "256", paramLabel = "N", description = "Rows per batch (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--on-error", defaultValue = "fail", paramLabel = "fail|skip",
            description = "What to do with an invalid row: fail (stop, the default) or skip it and report it on stderr.")
    OnError onError;

    @Override
    public Integer call() throws Exception {
        if (batchSize < 1 || batchSize > 65_536) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--batch-size must be in 1..65536, not " + batchSize);
        }
        long start = System.nanoTime();
        try (Ensemble ensemble = EnsembleLoader.withDiscoveredRuntimes().load(ensembleDirectory);
                BufferedReader reader = open(input);
                CSVParser parser = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(reader);
                CSVPrinter printer = new CSVPrinter(writer(output), CSVFormat.DEFAULT)) {
            TextRowEncoder encoder = new TextRowEncoder(ensemble.manifest().schema(), parser.getHeaderNames());
            if (!encoder.ignoredColumns().isEmpty()) {
                System.err.println("note: ignoring columns that are not features: " + encoder.ignoredColumns());
            }
            Batcher batcher = new Batcher(ensemble, printer);
            printer.printRecord(batcher.header());
            int row = 0;
            int skipped = 0;
            for (CSVRecord record : parser) {
                try {
                    batcher.add(encoder, record.toList(), row);
                } catch (InvalidInputException e) {
                    String where = "line " + (record.getRecordNumber() + 1) + " (row " + row + ")";
                    if (onError == OnError.FAIL) {
                        throw new IllegalArgumentException(where + ": " + e.getMessage() + " (use --on-error skip to skip invalid rows)", e);
                    }
                    skipped++;
                    System.err.println("skipped " + where + ": " + e.getMessage());
                }
                row++;
            }
            batcher.flush();
            System.err.printf("scored %d rows%s with %s in %.1f s -> %s%n", row - skipped,
                    skipped > 0 ? " (" + skipped + " invalid rows skipped)" : "", ensemble.manifest().pin(),
                    (System.nanoTime() - start) / 1e9, output.equals("-") ? "stdout" : output);
            return skipped > 0 ? 1 : 0;
        }
    }

    private static BufferedReader open(String path) throws IOException {
        return path.equals("-")
                ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                : Files.newBufferedReader(Path.of(path), StandardCharsets.UTF_8);
    }

    private static BufferedWriter writer(String path) throws IOException {
        return path.equals("-")
                ? new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8))
                : Files.newBufferedWriter(Path.of(path), StandardCharsets.UTF_8);
    }

    /** Collects encoded rows into a batch, scores it when full, and prints the answers. */
    private final class Batcher {
        private final Ensemble ensemble;
        private final EnsembleManifest manifest;
        private final CSVPrinter printer;
        private final Scorer scorer;
        private final Predictions predictions;
        private final FloatBuffer rows;
        private final int[] rowIndex;
        private final int width;
        private int count;

        Batcher(Ensemble ensemble, CSVPrinter printer) {
            this.ensemble = ensemble;
            this.manifest = ensemble.manifest();
            this.printer = printer;
            this.scorer = ensemble.newScorer(batchSize);
            this.predictions = new Predictions(ensemble, batchSize);
            this.width = manifest.schema().width();
            this.rows = ByteBuffer.allocateDirect(batchSize * width * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
            this.rowIndex = new int[batchSize];
        }

        List<String> header() {
            List<String> columns = new ArrayList<>(List.of("row", "prediction", "score", "confidence"));
            for (Member m : ensemble.members()) {
                columns.add(m.spec().name());
            }
            columns.add("missing");
            if (explain) {
                columns.add("consensus");
                for (Member m : ensemble.members()) {
                    columns.add("contribution:" + m.spec().name());
                }
            }
            return columns;
        }

        void add(TextRowEncoder encoder, List<String> cells, int row) throws IOException {
            encoder.encode(cells, row, rows, count * width);
            rowIndex[count++] = row;
            if (count == batchSize) {
                flush();
            }
        }

        void flush() throws IOException {
            if (count == 0) {
                return;
            }
            scorer.score(rows, count, rowIndex[0], predictions, explain);
            String missing = String.join(" ", predictions.membersMissing());
            List<RowExplanation> explanations = predictions.explanations();
            List<Object> line = new ArrayList<>();
            for (int r = 0; r < count; r++) {
                line.clear();
                line.add(rowIndex[r]);
                line.add(predictions.label(r));
                line.add(predictions.value(r));
                line.add(predictions.confidence(r));
                int output = manifest.outputs() > 1 ? predictions.predictedClass(r) : 0;
                for (int m = 0; m < ensemble.members().size(); m++) {
                    line.add(predictions.memberPresent(m) ? Float.toString(predictions.memberOutput(m, output, r)) : "");
                }
                line.add(missing);
                if (explain) {
                    RowExplanation e = explanations.get(r);
                    line.add((float) e.consensus());
                    e.members().forEach(p -> line.add((float) p.contribution()));
                }
                printer.printRecord(line);
            }
            count = 0;
        }
    }
}
