package dev.tutti.transport.client;

import dev.tutti.transport.netty.EventLoops;
import dev.tutti.transport.protocol.EnsembleRef;
import dev.tutti.transport.protocol.ModelMetadata;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Java client of Tutti's binary protocol.
 *
 * <pre>{@code
 * try (TuttiClient client = TuttiClient.connect(new ClientConfig().port(7070))) {
 *     EnsembleRef telco = EnsembleRef.latest("telco-churn");
 *     ModelMetadata m = client.metadata(telco);
 *     float[] rows = m.encodeText(List.of(List.of("0", "1", ..., "Electronic check")));
 *     ScoreResult r = client.score(telco, rows, 1, m.schema().width());
 * }
 * }</pre>
 *
 * <p>Requests are pipelined: many may be in flight on each connection, and answers arrive in
 * completion order, matched by correlation id. A pool of {@link ClientConfig#connections()}
 * connections is used round-robin; a closed one is reopened on the next call that picks it.
 *
 * <p>Threads: every method may be called from any thread. Futures complete on the client's event
 * loop: chain heavy work with the {@code ...Async} methods. The rows passed to {@link #scoreAsync}
 * are read when the request is written (shortly after, on the event loop): do not change them
 * until the future completes. Errors: futures fail with {@link RemoteErrorException} (an error
 * frame), {@link ClientTimeoutException} or {@link ConnectionClosedException}; the blocking methods
 * throw them directly. Ownership: owns its connections and event loops; {@link #close} closes them
 * and fails what is still in flight.
 */
public final class TuttiClient implements AutoCloseable {
    private final ClientConfig config;
    private final EventLoopGroup loops;
    private final ClientConnection[] connections;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicLong correlationIds = new AtomicLong();

    private TuttiClient(ClientConfig config) {
        this.config = config;
        this.loops = EventLoops.group("tutti-client", config.ioThreads());
        this.connections = new ClientConnection[config.connections()];
    }

    /** Opens every connection of the pool; throws {@link ConnectionClosedException} when one cannot be opened. */
    public static TuttiClient connect(ClientConfig config) throws InterruptedException {
        config.conclude();
        TuttiClient client = new TuttiClient(config);
        try {
            for (int i = 0; i < client.connections.length; i++) {
                client.connections[i] = ClientConnection.open(client.loops, config);
            }
        } catch (InterruptedException | RuntimeException e) {
            client.close();
            throw e;
        }
        return client;
    }

    /** The ensemble's metadata: schema, classes, members; blocks up to the default timeout. */
    public ModelMetadata metadata(EnsembleRef ensemble) {
        return await(metadataAsync(ensemble));
    }

    public CompletableFuture<ModelMetadata> metadataAsync(EnsembleRef ensemble) {
        Call.Metadata call = new Call.Metadata(correlationIds.incrementAndGet(), ensemble, System.nanoTime() + config.timeout().toNanos());
        send(call);
        return call.future;
    }

    /** Scores rows with tier 0 and the default timeout; blocks until the answer. */
    public ScoreResult score(EnsembleRef ensemble, float[] rows, int rowCount, int featureCount) {
        return await(scoreAsync(ensemble, rows, rowCount, featureCount, ScoreOptions.DEFAULT));
    }

    /**
     * Sends a score request and returns at once.
     *
     * @param rows {@code rowCount x featureCount} values in the ensemble's encoding (category codes;
     *     see {@link ModelMetadata#encodeText}), row-major from index 0
     */
    public CompletableFuture<ScoreResult> scoreAsync(EnsembleRef ensemble, float[] rows, int rowCount, int featureCount,
            ScoreOptions options) {
        if (rowCount < 0 || featureCount < 1 || rows.length < (long) rowCount * featureCount) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(rowCount + " rows of " + featureCount
                    + " features do not fit an array of " + rows.length));
        }
        Duration timeout = options.timeout() == null ? config.timeout() : options.timeout();
        Call.Score call = new Call.Score(correlationIds.incrementAndGet(), ensemble, System.nanoTime() + timeout.toNanos(), rows, rowCount,
                featureCount, options);
        send(call);
        return call.future;
    }

    private void send(Call<?> call) {
        ClientConnection c;
        try {
            c = connection();
        } catch (ConnectionClosedException e) {
            call.fail(e);
            return;
        }
        c.send(call);
    }

    private ClientConnection connection() {
        int i = Math.floorMod(next.getAndIncrement(), connections.length);
        ClientConnection c = connections[i];
        if (c != null && c.active()) {
            return c;
        }
        synchronized (connections) {
            c = connections[i];
            if (c == null || !c.active()) {
                if (loops.isShuttingDown()) {
                    throw new ConnectionClosedException("the client is closed", null);
                }
                try {
                    c = ClientConnection.open(loops, config);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ConnectionClosedException("interrupted while reconnecting", e);
                }
                connections[i] = c;
            }
            return c;
        }
    }

    private static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectionClosedException("interrupted while waiting for the answer", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Closes every connection (failing calls in flight) and stops the event loops. */
    @Override
    public void close() {
        for (ClientConnection c : connections) {
            if (c != null) {
                c.close();
            }
        }
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
