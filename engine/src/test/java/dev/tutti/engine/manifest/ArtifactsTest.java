package dev.tutti.engine.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactsTest {
    /** sha256("abc"), FIPS 180-2 appendix B.1. */
    private static final String SHA256_ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    private static final String SHA256_EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @TempDir
    Path dir;

    @Test
    void shouldDigestAKnownByteStringAsLowerCaseHex() throws Exception {
        Path file = Files.writeString(dir.resolve("abc.txt"), "abc", StandardCharsets.US_ASCII);

        assertThat(Artifacts.sha256(file)).isEqualTo(SHA256_ABC);
    }

    @Test
    void shouldDigestAnEmptyFile() throws Exception {
        Path file = Files.write(dir.resolve("empty"), new byte[0]);

        assertThat(Artifacts.sha256(file)).isEqualTo(SHA256_EMPTY);
    }

    @Test
    void shouldDigestAFileLargerThanItsReadBufferLikeMessageDigestDoes() throws Exception {
        byte[] content = new byte[200_003];
        new Random(42).nextBytes(content);
        Path file = Files.write(dir.resolve("model.bin"), content);

        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));

        assertThat(Artifacts.sha256(file)).isEqualTo(expected);
    }

    @Test
    void shouldRecogniseOnlySixtyFourLowerCaseHexDigitsAsASha256() {
        assertThat(Artifacts.isSha256(SHA256_ABC)).isTrue();
        assertThat(Artifacts.isSha256(SHA256_ABC.toUpperCase(Locale.ROOT))).isFalse();
        assertThat(Artifacts.isSha256(SHA256_ABC.substring(1))).isFalse();
        assertThat(Artifacts.isSha256(SHA256_ABC + "0")).isFalse();
        assertThat(Artifacts.isSha256(SHA256_ABC.replace('a', 'g'))).isFalse();
        assertThat(Artifacts.isSha256(null)).isFalse();
    }

    @Test
    void shouldAcceptAFileWithThePinnedDigest() throws Exception {
        Path file = Files.writeString(dir.resolve("model.txt"), "abc", StandardCharsets.US_ASCII);

        assertThatNoException().isThrownBy(() -> Artifacts.verify(file, SHA256_ABC, "member m@1"));
    }

    @Test
    void shouldRefuseAChangedFileNamingBothDigests() throws Exception {
        Path file = Files.writeString(dir.resolve("model.txt"), "abd", StandardCharsets.US_ASCII);
        String actual = Artifacts.sha256(file);

        assertThatThrownBy(() -> Artifacts.verify(file, SHA256_ABC, "member xgboost@1"))
                .isInstanceOf(ManifestException.class)
                .hasMessageContainingAll("member xgboost@1", file.toString(), actual, SHA256_ABC, "refusing");
    }

    @Test
    void shouldRefuseAMissingFile() {
        Path file = dir.resolve("members/gone/1/model.onnx");

        assertThatThrownBy(() -> Artifacts.verify(file, SHA256_ABC, "member gone@1"))
                .isInstanceOf(ManifestException.class)
                .hasMessageContainingAll("member gone@1", file.toString(), "does not exist");
    }

    @Test
    void shouldRefuseADirectoryInPlaceOfTheArtifact() throws Exception {
        Path sub = Files.createDirectories(dir.resolve("model.onnx"));

        assertThatThrownBy(() -> Artifacts.verify(sub, SHA256_ABC, "member d@1"))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void shouldResolveARelativePathInsideTheDirectory() throws Exception {
        Path resolved = Artifacts.resolveInside(dir, "members/a/1/model.txt", "member a@1");

        assertThat(resolved).isEqualTo(dir.toAbsolutePath().normalize().resolve("members/a/1/model.txt"));
        assertThat(resolved).isAbsolute();
    }

    @Test
    void shouldResolveAPathThatStepsOutAndBackInside() throws Exception {
        assertThat(Artifacts.resolveInside(dir, "members/../members/a/model.txt", "member a@1"))
                .isEqualTo(dir.toAbsolutePath().normalize().resolve("members/a/model.txt"));
    }

    @Test
    void shouldRefuseAPathThatLeavesTheDirectory() {
        assertThatThrownBy(() -> Artifacts.resolveInside(dir, "../x", "member a@1"))
                .isInstanceOf(ManifestException.class)
                .hasMessageContainingAll("member a@1", "'../x'", "must stay inside");
        assertThatThrownBy(() -> Artifacts.resolveInside(dir, "members/../../x", "member a@1"))
                .isInstanceOf(ManifestException.class);
    }

    @Test
    void shouldRefuseASiblingDirectoryThatSharesTheDirectorysNamePrefix() {
        String sibling = "../" + dir.getFileName() + "-evil/model.txt";

        assertThatThrownBy(() -> Artifacts.resolveInside(dir, sibling, "member a@1"))
                .isInstanceOf(ManifestException.class);
    }

    @Test
    void shouldRefuseAnAbsolutePath() {
        assertThatThrownBy(() -> Artifacts.resolveInside(dir, "/etc/passwd", "member a@1"))
                .isInstanceOf(ManifestException.class)
                .hasMessageContainingAll("'/etc/passwd'", "must stay inside");
    }

    @Test
    void shouldRefuseAnAbsolutePathEvenWhenItPointsInsideTheDirectory() {
        String inside = dir.toAbsolutePath().resolve("model.txt").toString();

        assertThatThrownBy(() -> Artifacts.resolveInside(dir, inside, "member a@1"))
                .isInstanceOf(ManifestException.class);
    }
}
