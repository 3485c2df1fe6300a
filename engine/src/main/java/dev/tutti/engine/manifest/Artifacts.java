package dev.tutti.engine.manifest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Digests and safe resolution of model artifacts. Stateless; allocation at load time only. */
public final class Artifacts {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private Artifacts() {}

    /** Lower-case hex sha256 of a file, streamed. */
    public static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    public static boolean isSha256(String hex) {
        return hex != null && SHA256.matcher(hex).matches();
    }

    /**
     * Checks that {@code file} exists and has the pinned digest.
     *
     * @param what how to name the artifact in the error, e.g. {@code member xgboost@1}
     * @throws ManifestException when the file is missing or its content differs from the pin
     */
    public static void verify(Path file, String expectedSha256, String what) throws ManifestException {
        if (!Files.isRegularFile(file)) {
            throw new ManifestException(what + ": artifact " + file + " does not exist");
        }
        String actual;
        try {
            actual = sha256(file);
        } catch (IOException e) {
            throw new ManifestException(what + ": cannot read artifact " + file + ": " + e.getMessage(), e);
        }
        if (!actual.equals(expectedSha256)) {
            throw new ManifestException(what + ": artifact " + file + " has sha256 " + actual + " but the manifest pins "
                    + expectedSha256 + "; the file was changed or replaced, refusing to load it");
        }
    }

    /**
     * Resolves {@code relative} inside {@code directory}, refusing absolute paths, paths that leave
     * it, and (when the file exists) symbolic links that point outside it.
     */
    public static Path resolveInside(Path directory, String relative, String what) throws ManifestException {
        Path base = directory.toAbsolutePath().normalize();
        Path candidate = base.resolve(relative).normalize();
        if (Path.of(relative).isAbsolute() || !candidate.startsWith(base)) {
            throw new ManifestException(what + ": artifact path '" + relative + "' must stay inside " + base);
        }
        if (Files.exists(candidate)) {
            try {
                Path real = candidate.toRealPath();
                if (!real.startsWith(base.toRealPath())) {
                    throw new ManifestException(what + ": artifact '" + relative + "' links to " + real + ", outside " + base);
                }
            } catch (IOException e) {
                throw new ManifestException(what + ": cannot resolve artifact '" + relative + "': " + e.getMessage(), e);
            }
        }
        return candidate;
    }
}
