package dev.tutti.transport.serving;

import dev.tutti.transport.protocol.EnsembleRef;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ensembles the servers answer for, found by name and version, by name and alias, or by name
 * alone (the highest version).
 *
 * <p>Threads: filled before the servers start, then read by every event loop; not changed while
 * serving (promotion under load comes with the registry issue). Allocation: none per lookup.
 */
public final class EnsembleRegistry {
    private final Map<String, TreeMap<Integer, ServedEnsemble>> byName = new HashMap<>();
    private final Map<String, Map<String, ServedEnsemble>> byAlias = new HashMap<>();
    private final List<ServedEnsemble> all = new ArrayList<>();

    /** Serves {@code ensemble} under its name and version and the given aliases. */
    public EnsembleRegistry register(ServedEnsemble ensemble, String... aliases) {
        String name = ensemble.metadata().name();
        int version = ensemble.metadata().version();
        if (byName.computeIfAbsent(name, n -> new TreeMap<>()).putIfAbsent(version, ensemble) != null) {
            throw new IllegalArgumentException(name + "@" + version + " is registered twice");
        }
        for (String alias : aliases) {
            byAlias.computeIfAbsent(name, n -> new HashMap<>()).put(alias, ensemble);
        }
        all.add(ensemble);
        return this;
    }

    /** The ensemble {@code ref} names, or null. */
    public ServedEnsemble find(EnsembleRef ref) {
        return find(ref.name(), ref.version(), ref.alias());
    }

    /**
     * @param version a version, or 0
     * @param alias an alias, or empty; a version string such as {@code "1"} given as alias is read as the version
     */
    public ServedEnsemble find(String name, int version, String alias) {
        TreeMap<Integer, ServedEnsemble> versions = byName.get(name);
        if (versions == null) {
            return null;
        }
        if (version > 0) {
            return versions.get(version);
        }
        if (alias != null && !alias.isEmpty()) {
            Map<String, ServedEnsemble> aliases = byAlias.get(name);
            ServedEnsemble e = aliases == null ? null : aliases.get(alias);
            if (e == null && isNumber(alias)) {
                return versions.get(Integer.parseInt(alias));
            }
            return e;
        }
        return versions.lastEntry().getValue();
    }

    private static boolean isNumber(String s) {
        if (s.isEmpty() || s.length() > 9) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** Every version of {@code name}, lowest first (empty when unknown). */
    public Collection<ServedEnsemble> versions(String name) {
        TreeMap<Integer, ServedEnsemble> versions = byName.get(name);
        return versions == null ? List.of() : versions.values();
    }

    /** Every registered ensemble version, in registration order. */
    public List<ServedEnsemble> all() {
        return List.copyOf(all);
    }

    /** Aliases of {@code ensemble}. */
    public List<String> aliasesOf(ServedEnsemble ensemble) {
        Map<String, ServedEnsemble> aliases = byAlias.get(ensemble.metadata().name());
        if (aliases == null) {
            return List.of();
        }
        return aliases.entrySet().stream().filter(e -> e.getValue() == ensemble).map(Map.Entry::getKey).sorted().toList();
    }
}
