package dev.tutti.trainer;

import dev.tutti.combine.ScoreMatrix;
import dev.tutti.engine.member.MemberRuntimes;
import dev.tutti.engine.schema.TextRowEncoder;
import dev.tutti.engine.spi.Member;
import dev.tutti.engine.spi.MemberOutput;
import dev.tutti.trainer.registry.RegisteredMember;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Serves a registered member the way {@code tutti serve} would, independently of the trainer's own
 * parity check: member.json read back, the artifact's sha256 verified, the runtime chosen by the
 * engine from the cpu-fallback providers on the class path, and the CSV's raw text cells encoded by
 * the engine's {@link TextRowEncoder} with the schema stored in member.json.
 */
final class ServedCheck {
    private ServedCheck() {}

    /** The CSV's header and first {@code rows} data records, as text. */
    static List<List<String>> rawRows(Path csv, int rows, List<String> headerOut) throws Exception {
        List<List<String>> out = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(csv, StandardCharsets.UTF_8);
                CSVParser parser = CSVParser.parse(reader, CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get())) {
            headerOut.addAll(parser.getHeaderNames());
            for (CSVRecord record : parser) {
                if (out.size() == rows) {
                    break;
                }
                out.add(record.toList());
            }
        }
        return out;
    }

    /** The served member's outputs for the first {@code rows} rows of {@code csv}: rows x outputs, row-major. */
    static double[] serve(Path memberDirectory, Path csv, int rows) throws Exception {
        RegisteredMember registered = RegisteredMember.read(memberDirectory);
        List<String> header = new ArrayList<>();
        List<List<String>> cells = rawRows(csv, rows, header);
        TextRowEncoder encoder = new TextRowEncoder(registered.schema(), header);
        int width = registered.schema().width();
        FloatBuffer input = ByteBuffer.allocateDirect(rows * width * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (int r = 0; r < rows; r++) {
            encoder.encode(cells.get(r), r, input, r * width);
        }
        var spec = registered.spec();
        ScoreMatrix matrix = new ScoreMatrix(1, spec.outputs(), rows);
        matrix.rows(rows);
        try (Member member = MemberRuntimes.discover().load(spec)) {
            member.score(input, rows, new MemberOutput().wrap(matrix, 0));
        }
        double[] out = new double[rows * spec.outputs()];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < spec.outputs(); o++) {
                out[r * spec.outputs() + o] = matrix.get(0, o, r);
            }
        }
        return out;
    }

    /** The largest {@code |a - b| / max(1, |b|)}. */
    static double maxRelativeDifference(double[] a, double[] b) {
        return maxRelativeDifference(a, b, 1);
    }

    /** The largest {@code |a - b| / max(scale, |b|)}. */
    static double maxRelativeDifference(double[] a, double[] b, double scale) {
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs(a[i] - b[i]) / Math.max(scale, Math.abs(b[i]));
            worst = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(worst, d);
        }
        return worst;
    }
}
