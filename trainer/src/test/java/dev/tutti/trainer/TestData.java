package dev.tutti.trainer;

import dev.tutti.trainer.plan.LibraryPlan;
import dev.tutti.trainer.plan.MemberRecipe;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The vendored real datasets (fixtures/data) and the small plans the tests train. */
final class TestData {
    private TestData() {}

    static Path root() {
        String property = System.getProperty("tutti.root");
        Path start = property != null ? Path.of(property) : Path.of("").toAbsolutePath();
        for (Path p = start; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("fixtures/data"))) {
                return p;
            }
        }
        throw new IllegalStateException("fixtures/data not found above " + start);
    }

    static Path dataset(String name) {
        return root().resolve("fixtures/data").resolve(name + ".csv");
    }

    /** The header and every {@code step}-th data line of a dataset, up to {@code rows} lines, as a file in {@code dir}. */
    static Path subset(String name, int rows, int step, Path dir) throws IOException {
        List<String> lines = Files.readAllLines(dataset(name), StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>();
        out.add(lines.getFirst());
        for (int i = 1; i < lines.size() && out.size() <= rows; i += step) {
            out.add(lines.get(i));
        }
        Path file = dir.resolve(name + "-" + rows + ".csv");
        Files.write(file, out, StandardCharsets.UTF_8);
        return file;
    }

    /** One member of each kind (the small plan), shrunk so each fit takes a fraction of a second. */
    static List<MemberRecipe> tinyPlan() {
        List<MemberRecipe> plan = new ArrayList<>();
        for (MemberRecipe r : LibraryPlan.forSize("small")) {
            plan.add(switch (r.family()) {
                case "xgboost", "lightgbm" -> r.with("rounds", 20);
                case "linear" -> r.with("rounds", 30);
                case "mlp" -> r.with("epochs", 3).with("hidden1", 16).with("hidden2", 8);
                default -> r;
            });
        }
        return plan;
    }

    static TrainingConfig config(Path data, String target, Path registry, String library, List<MemberRecipe> plan, int folds, long seed) {
        return new TrainingConfig(data, target, registry, library, null, folds, seed, plan, null, List.of(), 64);
    }
}
