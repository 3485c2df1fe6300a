package dev.tutti.trainer.family;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The versions of Tutti and of the training libraries, recorded in every member's lineage. They
 * come from {@code versions.properties}, filled in by the build from the parent POM's pins, so they
 * name exactly the jars the trainer was built against.
 *
 * <p>Threads: immutable, loaded once.
 */
public final class ToolVersions {
    private static final Map<String, String> VERSIONS = load();

    private ToolVersions() {}

    private static Map<String, String> load() {
        Properties properties = new Properties();
        try (InputStream in = ToolVersions.class.getResourceAsStream("versions.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> versions = new LinkedHashMap<>();
        for (String key : new String[] {"tutti", "xgboost4j", "lightgbm", "djl", "libtorch"}) {
            versions.put(key, properties.getProperty(key, "unknown"));
        }
        return Collections.unmodifiableMap(versions);
    }

    /** Tool name to version: tutti, xgboost4j, lightgbm, djl, libtorch. */
    public static Map<String, String> all() {
        return VERSIONS;
    }

    public static String tutti() {
        return VERSIONS.get("tutti");
    }
}
