package dev.tutti.trainer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A member's oof.csv read back: {@code row, fold, target, prediction...} per line. */
record OofFile(List<String> header, int[] rows, int[] folds, double[][] predictions) {

    static OofFile read(Path file) throws Exception {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<String> header = List.of(lines.getFirst().split(","));
        int n = lines.size() - 1;
        int[] rows = new int[n];
        int[] folds = new int[n];
        double[][] predictions = new double[n][];
        for (int i = 0; i < n; i++) {
            String[] cells = lines.get(i + 1).split(",");
            rows[i] = Integer.parseInt(cells[0]);
            folds[i] = Integer.parseInt(cells[1]);
            predictions[i] = new double[cells.length - 3];
            for (int k = 3; k < cells.length; k++) {
                predictions[i][k - 3] = Double.parseDouble(cells[k]);
            }
        }
        return new OofFile(header, rows, folds, predictions);
    }
}
