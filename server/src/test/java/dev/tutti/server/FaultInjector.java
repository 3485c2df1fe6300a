package dev.tutti.server;

import dev.tutti.engine.ensemble.Ensemble;
import dev.tutti.engine.ensemble.EnsembleLoader;
import dev.tutti.engine.member.MemberRuntimes;
import dev.tutti.engine.spi.Member;
import dev.tutti.engine.spi.MemberException;
import dev.tutti.engine.spi.MemberOutput;
import dev.tutti.engine.spi.MemberRuntimeProvider;
import dev.tutti.engine.spi.ModelSpec;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Loads the bundled ensembles through the real runtimes, with every member wrapped so that a test
 * can make it misbehave on command: throw, return NaN or an impossible probability, hang until
 * released, or slow down. Fault injection around real parts; the members themselves are real.
 */
final class FaultInjector {
    enum Fault {
        NONE,
        THROW,
        NAN,
        OUT_OF_RANGE,
        HANG,
        SLOW
    }

    private final Map<String, Fault> faults = new ConcurrentHashMap<>();
    private final AtomicReference<CountDownLatch> hangs = new AtomicReference<>(new CountDownLatch(1));
    private volatile long slowMillis = 200;
    private final AtomicInteger overlappingCalls = new AtomicInteger();

    /** Makes {@code member} misbehave from its next call on ({@code "*"}: every member). */
    FaultInjector set(String member, Fault fault) {
        faults.put(member, fault);
        return this;
    }

    FaultInjector clear() {
        faults.clear();
        return this;
    }

    FaultInjector slowMillis(long millis) {
        this.slowMillis = millis;
        return this;
    }

    /** How many calls started while another call of the same member was running (members are one-call-at-a-time). */
    int overlappingCalls() {
        return overlappingCalls.get();
    }

    /** Lets every hanging call return (and arms a new latch for later hangs). */
    void releaseHangs() {
        hangs.getAndSet(new CountDownLatch(1)).countDown();
    }

    Ensemble load(String ensemble) throws Exception {
        MemberRuntimes real = MemberRuntimes.discover();
        return new EnsembleLoader(new MemberRuntimes(real.providers().stream()
                .map(p -> (MemberRuntimeProvider) new Provider(p)).toList())).load(BundledEnsembles.directory(ensemble));
    }

    private Fault faultOf(ModelSpec spec) {
        Fault fault = faults.get(spec.name());
        return fault != null ? fault : faults.getOrDefault("*", Fault.NONE);
    }

    private final class Provider implements MemberRuntimeProvider {
        private final MemberRuntimeProvider real;

        Provider(MemberRuntimeProvider real) {
            this.real = real;
        }

        @Override
        public String name() {
            return real.name();
        }

        @Override
        public int rank() {
            return real.rank();
        }

        @Override
        public Set<String> formats() {
            return real.formats();
        }

        @Override
        public Optional<String> unavailableReason(ModelSpec spec) {
            return real.unavailableReason(spec);
        }

        @Override
        public Member load(ModelSpec spec) throws MemberException {
            return new Wrapped(real.load(spec));
        }
    }

    private final class Wrapped implements Member {
        private final Member real;
        private final AtomicInteger inCall = new AtomicInteger();

        Wrapped(Member real) {
            this.real = real;
        }

        @Override
        public ModelSpec spec() {
            return real.spec();
        }

        @Override
        public void score(FloatBuffer input, int rows, MemberOutput out) throws MemberException {
            if (inCall.incrementAndGet() > 1) {
                overlappingCalls.incrementAndGet();
            }
            try {
                faultyScore(input, rows, out);
            } finally {
                inCall.decrementAndGet();
            }
        }

        private void faultyScore(FloatBuffer input, int rows, MemberOutput out) throws MemberException {
            Fault fault = faultOf(spec());
            switch (fault) {
                case THROW -> throw new MemberException("injected fault in " + spec().pin());
                case HANG -> {
                    try {
                        hangs.get().await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                case SLOW -> {
                    try {
                        Thread.sleep(slowMillis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                default -> { }
            }
            real.score(input, rows, out);
            if (fault == Fault.NAN) {
                out.put(0, rows - 1, Float.NaN);
            } else if (fault == Fault.OUT_OF_RANGE) {
                out.put(0, rows - 1, 1.5f);
            }
        }

        @Override
        public void close() {
            real.close();
        }
    }
}
