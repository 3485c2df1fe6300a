package dev.tutti.cpu.tree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tutti.combine.ScoreMatrix;
import dev.tutti.combine.Task;
import dev.tutti.engine.schema.FeatureSpec;
import dev.tutti.engine.schema.InputSchema;
import dev.tutti.engine.spi.Member;
import dev.tutti.engine.spi.MemberException;
import dev.tutti.engine.spi.MemberOutput;
import dev.tutti.engine.spi.ModelFormats;
import dev.tutti.engine.spi.ModelSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The member option {@code threads}: one call's rows split over the member's threads, the same bits as one thread. */
class TreeThreadsOptionTest {
    private final JavaTreeRuntimeProvider provider = new JavaTreeRuntimeProvider();

    @TempDir
    Path dir;

    private ModelSpec spec(Path file, Map<String, String> options) {
        InputSchema schema = new InputSchema(List.of(FeatureSpec.numeric("f0", true), FeatureSpec.numeric("f1", true),
                FeatureSpec.numeric("f2", true)));
        return new ModelSpec("m", 1, ModelFormats.LIGHTGBM_TEXT, file, "0".repeat(64), schema, Task.REGRESSION, 0, options);
    }

    private static float[] score(Member member, FloatBuffer rows, int count, int padding) throws Exception {
        // the output matrix is larger than the call, as the engine's is: each share must write at its own rows
        ScoreMatrix matrix = new ScoreMatrix(1, 1, count + padding);
        matrix.rows(count + padding);
        java.util.Arrays.fill(matrix.data(), -7f);
        member.score(rows, count, new MemberOutput().wrap(matrix, 0));
        return matrix.data().clone();
    }

    @Test
    void splitCallsScoreTheSameBitsAsOneThreadAtEverySize() throws Exception {
        Path file = dir.resolve("chain.txt");
        Files.writeString(file, TreeEvaluationOptionTest.chain(40));
        Random random = new Random(3);
        int most = 1001;
        FloatBuffer rows = ByteBuffer.allocateDirect(most * 3 * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (int i = 0; i < most * 3; i++) {
            rows.put(i, random.nextInt(9) == 0 ? Float.NaN : (float) (random.nextGaussian() * 15 + 20));
        }
        for (String algorithm : new String[] {"auto", "traversal", "vquickscorer"}) {
            try (Member one = provider.load(spec(file, Map.of("algorithm", algorithm)));
                    Member three = provider.load(spec(file, Map.of("algorithm", algorithm, "threads", "3")))) {
                assertThat(((TreeMember) three).threads()).isEqualTo(3);
                for (int count : new int[] {1, 63, 127, 128, 192, 193, 1000, 1001}) {
                    assertThat(score(three, rows, count, 5)).as("%s, %d rows", algorithm, count)
                            .containsExactly(score(one, rows, count, 5));
                }
            }
        }
    }

    @Test
    void badValuesAreRefusedNamingTheOptionAndTheLimit() throws Exception {
        Path file = dir.resolve("chain.txt");
        Files.writeString(file, TreeEvaluationOptionTest.chain(8));
        for (String value : new String[] {"0", "-2", "two", "257"}) {
            assertThatThrownBy(() -> provider.load(spec(file, Map.of("threads", value))))
                    .isInstanceOf(MemberException.class)
                    .hasMessageContaining("threads='" + value + "'")
                    .hasMessageContaining("from 1 to 256");
        }
        Map<String, String> reference = new HashMap<>(Map.of("threads", "2", "algorithm", "reference"));
        assertThatThrownBy(() -> provider.load(spec(file, reference)))
                .isInstanceOf(MemberException.class)
                .hasMessageContaining("threads=2 needs a batch algorithm");
    }

    @Test
    void closingStopsTheMembersThreads() throws Exception {
        Path file = dir.resolve("chain.txt");
        Files.writeString(file, TreeEvaluationOptionTest.chain(8));
        FloatBuffer rows = FloatBuffer.allocate(300 * 3);
        Member member = provider.load(spec(file, Map.of("threads", "3")));
        score(member, rows, 300, 0);
        assertThat(treeThreads()).isEqualTo(2);
        member.close();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (treeThreads() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(treeThreads()).isZero();
    }

    private static long treeThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("tutti-trees-m-") && t.isAlive()).count();
    }
}
