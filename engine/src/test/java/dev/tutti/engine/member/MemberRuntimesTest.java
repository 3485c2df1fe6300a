package dev.tutti.engine.member;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tutti.combine.Task;
import dev.tutti.engine.schema.FeatureSpec;
import dev.tutti.engine.schema.InputSchema;
import dev.tutti.engine.spi.Member;
import dev.tutti.engine.spi.MemberException;
import dev.tutti.engine.spi.MemberOutput;
import dev.tutti.engine.spi.MemberRuntimeProvider;
import dev.tutti.engine.spi.ModelFormats;
import dev.tutti.engine.spi.ModelSpec;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The runtime selection mechanism, with stub providers. */
class MemberRuntimesTest {
    private static final ModelSpec ONNX_MEMBER = new ModelSpec("mlp", 3, ModelFormats.ONNX, Path.of("/ensembles/e/1/model.onnx"),
            "0".repeat(64), new InputSchema(List.of(FeatureSpec.numeric("x", true))), Task.BINARY, 2, Map.of());

    /** A trivial member that remembers which provider loaded it. */
    private record StubMember(ModelSpec spec, String loadedBy) implements Member {
        @Override
        public void score(FloatBuffer input, int rows, MemberOutput out) {}

        @Override
        public void close() {}
    }

    /** A provider with a fixed rank, formats, availability and load outcome; counts its loads. */
    private static final class StubProvider implements MemberRuntimeProvider {
        private final String name;
        private final int rank;
        private final Set<String> formats;
        private final String unavailable;
        private final String failure;
        int loads;
        int availabilityChecks;

        private StubProvider(String name, int rank, Set<String> formats, String unavailable, String failure) {
            this.name = name;
            this.rank = rank;
            this.formats = formats;
            this.unavailable = unavailable;
            this.failure = failure;
        }

        static StubProvider working(String name, int rank, String... formats) {
            return new StubProvider(name, rank, Set.of(formats), null, null);
        }

        static StubProvider unavailable(String name, int rank, String reason, String... formats) {
            return new StubProvider(name, rank, Set.of(formats), reason, null);
        }

        static StubProvider failing(String name, int rank, String error, String... formats) {
            return new StubProvider(name, rank, Set.of(formats), null, error);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int rank() {
            return rank;
        }

        @Override
        public Set<String> formats() {
            return formats;
        }

        @Override
        public Optional<String> unavailableReason(ModelSpec spec) {
            availabilityChecks++;
            return Optional.ofNullable(unavailable);
        }

        @Override
        public Member load(ModelSpec spec) throws MemberException {
            loads++;
            if (failure != null) {
                throw new MemberException(failure);
            }
            return new StubMember(spec, name);
        }
    }

    private static String loader(Member member) {
        return ((StubMember) member).loadedBy();
    }

    @Test
    void shouldLoadWithTheHighestRankedProviderWhateverTheOrderGiven() throws Exception {
        StubProvider cpu = StubProvider.working("onnx-cpu", 10, ModelFormats.ONNX);
        StubProvider gpu = StubProvider.working("onnx-gpu", 100, ModelFormats.ONNX);
        StubProvider mid = StubProvider.working("onnx-mid", 50, ModelFormats.ONNX);
        MemberRuntimes runtimes = new MemberRuntimes(List.of(cpu, gpu, mid));

        try (Member member = runtimes.load(ONNX_MEMBER)) {
            assertThat(loader(member)).isEqualTo("onnx-gpu");
            assertThat(member.spec()).isSameAs(ONNX_MEMBER);
        }
        assertThat(cpu.loads).isZero();
        assertThat(mid.loads).isZero();
        assertThat(runtimes.providers()).extracting(MemberRuntimeProvider::name).containsExactly("onnx-gpu", "onnx-mid", "onnx-cpu");
    }

    @Test
    void shouldIgnoreHigherRankedProvidersOfOtherFormats() throws Exception {
        StubProvider torch = StubProvider.working("torch-gpu", 1000, ModelFormats.TORCHSCRIPT);
        StubProvider onnx = StubProvider.working("onnx-cpu", 1, ModelFormats.ONNX);
        MemberRuntimes runtimes = new MemberRuntimes(List.of(torch, onnx));

        try (Member member = runtimes.load(ONNX_MEMBER)) {
            assertThat(loader(member)).isEqualTo("onnx-cpu");
        }
        assertThat(torch.loads).isZero();
        assertThat(torch.availabilityChecks).isZero();
    }

    @Test
    void shouldSkipAnUnavailableHigherRankedProviderAndUseTheNext() throws Exception {
        StubProvider gpu = StubProvider.unavailable("onnx-gpu", 100, "no CUDA device", ModelFormats.ONNX);
        StubProvider cpu = StubProvider.working("onnx-cpu", 10, ModelFormats.ONNX);
        MemberRuntimes runtimes = new MemberRuntimes(List.of(cpu, gpu));

        try (Member member = runtimes.load(ONNX_MEMBER)) {
            assertThat(loader(member)).isEqualTo("onnx-cpu");
        }
        assertThat(gpu.availabilityChecks).isEqualTo(1);
        assertThat(gpu.loads).isZero();
    }

    @Test
    void shouldFallThroughToTheNextProviderWhenLoadFails() throws Exception {
        StubProvider gpu = StubProvider.failing("onnx-gpu", 100, "out of device memory", ModelFormats.ONNX);
        StubProvider cpu = StubProvider.working("onnx-cpu", 10, ModelFormats.ONNX);
        MemberRuntimes runtimes = new MemberRuntimes(List.of(gpu, cpu));

        try (Member member = runtimes.load(ONNX_MEMBER)) {
            assertThat(loader(member)).isEqualTo("onnx-cpu");
        }
        assertThat(gpu.loads).isEqualTo(1);
        assertThat(cpu.loads).isEqualTo(1);
    }

    @Test
    void shouldNameTheMissingFormatAndListTheAvailableOnesWhenNoProviderLoadsIt() {
        MemberRuntimes runtimes = new MemberRuntimes(List.of(
                StubProvider.working("torch", 5, ModelFormats.TORCHSCRIPT),
                StubProvider.working("trees", 5, ModelFormats.XGBOOST_JSON, ModelFormats.LIGHTGBM_TEXT)));

        assertThatThrownBy(() -> runtimes.load(ONNX_MEMBER))
                .isInstanceOf(MemberException.class)
                .hasMessageContainingAll("mlp@3", "'onnx'", "lightgbm-text", "torchscript", "xgboost-json");
    }

    @Test
    void shouldSaySoWhenThereAreNoProvidersAtAll() {
        assertThatThrownBy(() -> new MemberRuntimes(List.of()).load(ONNX_MEMBER))
                .isInstanceOf(MemberException.class)
                .hasMessageContainingAll("mlp@3", "no runtime loads format 'onnx'");
    }

    @Test
    void shouldListEveryProvidersReasonWhenNoneCanLoadTheMember() {
        MemberRuntimes runtimes = new MemberRuntimes(List.of(
                StubProvider.unavailable("onnx-gpu", 100, "no CUDA device", ModelFormats.ONNX),
                StubProvider.unavailable("onnx-rocm", 90, "no ROCm runtime", ModelFormats.ONNX),
                StubProvider.failing("onnx-cpu", 10, "corrupt graph", ModelFormats.ONNX),
                StubProvider.working("torch", 1000, ModelFormats.TORCHSCRIPT)));

        assertThatThrownBy(() -> runtimes.load(ONNX_MEMBER))
                .isInstanceOf(MemberException.class)
                .hasMessageContainingAll("mlp@3", "could not be loaded",
                        "onnx-gpu: no CUDA device", "onnx-rocm: no ROCm runtime", "onnx-cpu: corrupt graph")
                .message().doesNotContain("torch");
    }

    @Test
    void shouldBreakRankTiesByName() throws Exception {
        MemberRuntimes runtimes = new MemberRuntimes(List.of(
                StubProvider.working("zeta", 7, ModelFormats.ONNX),
                StubProvider.working("alpha", 7, ModelFormats.ONNX)));

        try (Member member = runtimes.load(ONNX_MEMBER)) {
            assertThat(loader(member)).isEqualTo("alpha");
        }
    }
}
