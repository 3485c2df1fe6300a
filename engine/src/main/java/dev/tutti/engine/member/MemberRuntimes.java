package dev.tutti.engine.member;

import dev.tutti.engine.spi.Member;
import dev.tutti.engine.spi.MemberException;
import dev.tutti.engine.spi.MemberRuntimeProvider;
import dev.tutti.engine.spi.ModelSpec;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * Chooses and runs the runtime that loads each member. Providers come from {@link ServiceLoader}
 * (or are given, in tests); for a member, those that handle its format are tried from the highest
 * rank down, and every provider passed over is logged with its reason, so an operator can see why
 * a member did not land on the GPU, for example.
 *
 * <p>Threads: immutable after construction; {@link #load} may be called concurrently.
 */
public final class MemberRuntimes {
    private static final Logger LOG = System.getLogger(MemberRuntimes.class.getName());

    private final List<MemberRuntimeProvider> providers;

    public MemberRuntimes(List<MemberRuntimeProvider> providers) {
        List<MemberRuntimeProvider> sorted = new ArrayList<>(providers);
        sorted.sort(Comparator.comparingInt(MemberRuntimeProvider::rank).reversed().thenComparing(MemberRuntimeProvider::name));
        this.providers = List.copyOf(sorted);
    }

    /** The providers on the class path. */
    public static MemberRuntimes discover() {
        List<MemberRuntimeProvider> found = new ArrayList<>();
        ServiceLoader.load(MemberRuntimeProvider.class).forEach(found::add);
        return new MemberRuntimes(found);
    }

    public List<MemberRuntimeProvider> providers() {
        return providers;
    }

    /**
     * Loads {@code spec} with the best available runtime.
     *
     * @throws MemberException when no runtime handles the format, or every one that does is
     *     unavailable or fails; the message lists each and why
     */
    public Member load(ModelSpec spec) throws MemberException {
        List<String> reasons = new ArrayList<>();
        for (MemberRuntimeProvider provider : providers) {
            if (!provider.formats().contains(spec.format())) {
                continue;
            }
            Optional<String> unavailable = provider.unavailableReason(spec);
            if (unavailable.isPresent()) {
                LOG.log(Level.INFO, "member {0}: runtime {1} (rank {2}) skipped: {3}",
                        spec.pin(), provider.name(), provider.rank(), unavailable.get());
                reasons.add(provider.name() + ": " + unavailable.get());
                continue;
            }
            try {
                Member member = provider.load(spec);
                LOG.log(Level.INFO, "member {0} ({1}) loaded by runtime {2}", spec.pin(), spec.format(), provider.name());
                return member;
            } catch (MemberException | RuntimeException | LinkageError e) {
                // a runtime's unchecked failure (a native engine that cannot start, say) must not stop the fallback
                String why = e instanceof MemberException ? e.getMessage() : e.toString();
                LOG.log(Level.WARNING, "member {0}: runtime {1} failed to load it: {2}", spec.pin(), provider.name(), why);
                reasons.add(provider.name() + ": " + why);
            }
        }
        if (reasons.isEmpty()) {
            TreeSet<String> formats = new TreeSet<>();
            providers.forEach(p -> formats.addAll(p.formats()));
            throw new MemberException("member " + spec.pin() + ": no runtime loads format '" + spec.format()
                    + "'; formats available: " + formats);
        }
        throw new MemberException("member " + spec.pin() + " could not be loaded: " + String.join("; ", reasons));
    }
}
