package dev.tutti.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tutti.combine.ScoreMatrix;
import dev.tutti.engine.member.MemberRuntimes;
import dev.tutti.engine.spi.Member;
import dev.tutti.engine.spi.MemberException;
import dev.tutti.engine.spi.MemberOutput;
import dev.tutti.engine.spi.ModelSpec;
import dev.tutti.engine.testing.GoldenSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every runtime refuses to score after close, and refuses broken files with a message naming the member. */
class MemberLifecycleTest {

    static Stream<String> telcoMembers() {
        return GoldenSet.load("telco").members().stream().map(ModelSpec::name);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("telcoMembers")
    void shouldRefuseToScoreAfterClose(String name) throws Exception {
        GoldenSet golden = GoldenSet.load("telco");
        ModelSpec spec = golden.member(name);
        ScoreMatrix scores = new ScoreMatrix(1, 1, 4);
        scores.rows(4);
        Member member = MemberRuntimes.discover().load(spec);
        member.score(golden.encodedRows(0, 4), 4, new MemberOutput().wrap(scores, 0));
        member.close();
        member.close(); // closing twice is harmless
        assertThatThrownBy(() -> member.score(golden.encodedRows(0, 4), 4, new MemberOutput().wrap(scores, 0)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(name).hasMessageContaining("closed");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("telcoMembers")
    void shouldRefuseAFileThatIsNotAModelNamingTheMember(String name, @TempDir Path dir) throws Exception {
        ModelSpec real = GoldenSet.load("telco").member(name);
        Path garbage = dir.resolve(real.artifact().getFileName());
        Files.writeString(garbage, "this is not a model\n");
        ModelSpec spec = new ModelSpec(real.name(), real.version(), real.format(), garbage, real.sha256(), real.schema(),
                real.task(), real.classes(), real.options());
        assertThatThrownBy(() -> MemberRuntimes.discover().load(spec))
                .isInstanceOf(MemberException.class).hasMessageContaining(real.pin());
    }

    @Test
    void shouldRefuseAnOnnxOutputNameTheGraphDoesNotHave() throws Exception {
        ModelSpec real = GoldenSet.load("spam").member("mlp-onnx");
        ModelSpec spec = new ModelSpec(real.name(), real.version(), real.format(), real.artifact(), real.sha256(), real.schema(),
                real.task(), real.classes(), Map.of("output", "logits"));
        assertThatThrownBy(() -> MemberRuntimes.discover().load(spec))
                .isInstanceOf(MemberException.class)
                .hasMessageContaining("no output named 'logits'").hasMessageContaining("[probability]");
    }

    @Test
    void shouldRefuseAnOnnxModelWhoseInputWidthDiffersFromTheSchema() throws Exception {
        ModelSpec spam = GoldenSet.load("spam").member("mlp-onnx");
        ModelSpec telco = GoldenSet.load("telco").member("mlp-onnx");
        ModelSpec mismatched = new ModelSpec(spam.name(), 1, spam.format(), spam.artifact(), spam.sha256(), telco.schema(),
                spam.task(), spam.classes(), spam.options());
        assertThatThrownBy(() -> MemberRuntimes.discover().load(mismatched))
                .isInstanceOf(MemberException.class).hasMessageContaining("[batch, 19]");
    }

    @Test
    void shouldReportTheTorchScriptOutputShapeAtLoad() throws Exception {
        ModelSpec real = GoldenSet.load("spam").member("mlp-torchscript");
        ModelSpec asMulticlass = new ModelSpec(real.name(), 1, real.format(), real.artifact(), real.sha256(), real.schema(),
                dev.tutti.combine.Task.MULTICLASS, 3, Map.of());
        assertThatThrownBy(() -> MemberRuntimes.discover().load(asMulticlass))
                .isInstanceOf(MemberException.class).hasMessageContaining("1 output column").hasMessageContaining("needs 3");
        try (Member member = MemberRuntimes.discover().load(real)) {
            assertThat(member.spec()).isEqualTo(real);
        }
    }
}
