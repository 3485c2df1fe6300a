package dev.tutti.bench.trees;

import dev.tutti.engine.testing.GoldenSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * A CSV of {@code ../shared/datasets} (or {@code -Dtutti.datasets=DIR}) as float32 rows: numeric
 * columns parsed, text columns coded by the sorted order of their labels (as the fixtures' schemas
 * do), {@code NA} as NaN. One column is the label.
 *
 * <p>Threads: immutable. Allocation: at load only.
 */
record SharedDataset(String name, List<String> features, float[] rows, float[] labels) {

    int width() {
        return features.size();
    }

    int rowCount() {
        return labels.length;
    }

    /** Loads {@code file} with {@code label} as the label column (numeric, or coded like the features). */
    static SharedDataset load(String file, String label) {
        Path path = directory().resolve(file);
        try {
            List<String> lines = Files.readAllLines(path);
            String[] header = lines.getFirst().split(",", -1);
            List<String[]> cells = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                if (!line.isEmpty()) {
                    cells.add(line.split(",", -1));
                }
            }
            List<List<String>> codes = new ArrayList<>();
            for (int c = 0; c < header.length; c++) {
                codes.add(textLabels(cells, c));
            }
            int labelColumn = List.of(header).indexOf(label);
            if (labelColumn < 0) {
                throw new IllegalArgumentException(file + " has no column " + label);
            }
            List<String> features = new ArrayList<>();
            for (int c = 0; c < header.length; c++) {
                if (c != labelColumn) {
                    features.add(header[c]);
                }
            }
            int width = features.size();
            float[] rows = new float[cells.size() * width];
            float[] labels = new float[cells.size()];
            for (int r = 0; r < cells.size(); r++) {
                int f = 0;
                for (int c = 0; c < header.length; c++) {
                    float v = value(cells.get(r)[c], codes.get(c));
                    if (c == labelColumn) {
                        labels[r] = v;
                    } else {
                        rows[r * width + f++] = v;
                    }
                }
            }
            return new SharedDataset(file, List.copyOf(features), rows, labels);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The shared datasets folder: {@code -Dtutti.datasets}, else {@code ../shared/datasets} beside the repository. */
    static Path directory() {
        String property = System.getProperty("tutti.datasets");
        if (property != null) {
            return Path.of(property);
        }
        return GoldenSet.repoRoot().resolveSibling("shared").resolve("datasets");
    }

    /** The sorted labels of a text column, or an empty list for a numeric one. */
    private static List<String> textLabels(List<String[]> cells, int column) {
        TreeSet<String> labels = new TreeSet<>();
        boolean numeric = true;
        for (String[] row : cells) {
            String cell = row[column];
            if (cell.equals("NA") || cell.isEmpty()) {
                continue;
            }
            labels.add(cell);
            try {
                Double.parseDouble(cell);
            } catch (NumberFormatException e) {
                numeric = false;
            }
        }
        return numeric ? List.of() : List.copyOf(labels);
    }

    private static float value(String cell, List<String> codes) {
        if (cell.equals("NA") || cell.isEmpty()) {
            return Float.NaN;
        }
        return codes.isEmpty() ? (float) Double.parseDouble(cell) : codes.indexOf(cell);
    }
}
