package dev.tutti.trainer.registry;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A registry directory of immutable, integer-versioned entries:
 *
 * <pre>
 * REGISTRY/
 *   models/NAME/VERSION/        one trained member (member.json, its artifact, oof.csv)
 *   libraries/NAME/VERSION/     one training run (library.json: its members, the CV table)
 *   .staging/                   versions being written (never read)
 * </pre>
 *
 * A version is written whole into a fresh directory under {@code .staging} and then renamed into
 * place in one atomic step, so a reader (or a run stopped by Ctrl-C) never sees a half-written
 * version. Versions only grow: the next is one more than the highest present, and a concurrent
 * writer that took the number first makes the rename fail, after which the next number is tried.
 * Left-over staging directories of processes that are gone are removed by {@link #cleanStaging()}.
 *
 * <p>Threads: safe for concurrent use, also across processes (the rename is the only commit).
 */
public final class ModelRegistry {
    public static final String MODELS = "models";
    public static final String LIBRARIES = "libraries";
    static final String STAGING = ".staging";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern VERSION = Pattern.compile("[1-9][0-9]{0,8}");

    private final Path root;

    public ModelRegistry(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** Writes one version's files into a directory that becomes visible only when complete. */
    @FunctionalInterface
    public interface VersionWriter {
        void write(int version, Path directory) throws IOException;
    }

    public Path root() {
        return root;
    }

    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches() && !name.equals(".") && !name.equals("..");
    }

    /** The versions of {@code kind/name}, ascending (empty when there are none). */
    public List<Integer> versions(String kind, String name) throws IOException {
        Path dir = root.resolve(kind).resolve(name);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Integer> versions = new ArrayList<>();
        try (Stream<Path> children = Files.list(dir)) {
            children.map(p -> p.getFileName().toString()).filter(s -> VERSION.matcher(s).matches())
                    .map(Integer::valueOf).sorted().forEach(versions::add);
        }
        return versions;
    }

    /** Names that have at least one version under {@code kind}, sorted. */
    public List<String> names(String kind) throws IOException {
        Path dir = root.resolve(kind);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(dir)) {
            List<String> names = new ArrayList<>();
            for (Path child : children.filter(Files::isDirectory).sorted().toList()) {
                // a name whose first write was interrupted has a directory but no version yet
                if (!versions(kind, child.getFileName().toString()).isEmpty()) {
                    names.add(child.getFileName().toString());
                }
            }
            return names;
        }
    }

    public Path directory(String kind, String name, int version) {
        return root.resolve(kind).resolve(name).resolve(Integer.toString(version));
    }

    /**
     * Publishes a new version of {@code kind/name}: {@code writer} fills a staging directory, which
     * is then renamed to the next free version number.
     *
     * @return the version written
     * @throws IOException when writing fails (nothing becomes visible) or the file system cannot
     *     rename atomically
     */
    public int publish(String kind, String name, VersionWriter writer) throws IOException {
        if (!isValidName(name)) {
            throw new IllegalArgumentException("registry name '" + name + "' must match " + NAME);
        }
        Path parent = Files.createDirectories(root.resolve(kind).resolve(name));
        for (int attempt = 0; ; attempt++) {
            List<Integer> existing = versions(kind, name);
            int version = existing.isEmpty() ? 1 : existing.getLast() + 1;
            Path staged = stage();
            Path target = parent.resolve(Integer.toString(version));
            try {
                writer.write(version, staged);
                Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
                return version;
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the registry " + root + " is on a file system that cannot rename atomically", e);
            } catch (FileSystemException e) {
                // rename(2) onto a published (never empty) version fails with ENOTEMPTY, which Java reports as a plain
                // FileSystemException: another writer took this number first, so write again under the next one
                if (!Files.exists(target)) {
                    throw e;
                }
                if (attempt >= 20) {
                    throw new IOException("could not claim a version of " + kind + "/" + name + " after 21 tries", e);
                }
            } finally {
                deleteTree(staged);
            }
        }
    }

    /** A new, empty staging directory named after this process. */
    private Path stage() throws IOException {
        Path staging = Files.createDirectories(root.resolve(STAGING));
        return Files.createDirectory(staging.resolve(ProcessHandle.current().pid() + "-" + UUID.randomUUID()));
    }

    /** Removes staging directories left by processes that no longer run (a crash, a kill -9). */
    public void cleanStaging() throws IOException {
        Path staging = root.resolve(STAGING);
        if (!Files.isDirectory(staging)) {
            return;
        }
        try (Stream<Path> children = Files.list(staging)) {
            for (Path child : children.toList()) {
                String name = child.getFileName().toString();
                int dash = name.indexOf('-');
                boolean alive = false;
                if (dash > 0) {
                    try {
                        alive = ProcessHandle.of(Long.parseLong(name.substring(0, dash))).map(ProcessHandle::isAlive).orElse(false);
                    } catch (NumberFormatException e) {
                        alive = false;
                    }
                }
                if (!alive) {
                    deleteTree(child);
                }
            }
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
