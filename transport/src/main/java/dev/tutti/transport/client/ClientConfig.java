package dev.tutti.transport.client;

import java.time.Duration;

/**
 * Settings of a {@link TuttiClient}: one context object with fluent setters, checked once by
 * {@link #conclude()} when the client connects.
 *
 * <table>
 *   <caption>Properties and defaults</caption>
 *   <tr><th>property</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>host, port</td><td>127.0.0.1, 7070</td><td>the server</td></tr>
 *   <tr><td>connections</td><td>1</td><td>connections in the pool; requests go round-robin</td></tr>
 *   <tr><td>ioThreads</td><td>1</td><td>event-loop threads of the client</td></tr>
 *   <tr><td>timeout</td><td>5 s</td><td>default time a request may take before it fails with {@link ClientTimeoutException}</td></tr>
 *   <tr><td>connectTimeout</td><td>5 s</td><td>time to open a connection</td></tr>
 *   <tr><td>maxFrameBytes</td><td>16 MiB</td><td>largest answer accepted</td></tr>
 * </table>
 */
public final class ClientConfig {
    private String host = "127.0.0.1";
    private int port = 7070;
    private int connections = 1;
    private int ioThreads = 1;
    private Duration timeout = Duration.ofSeconds(5);
    private Duration connectTimeout = Duration.ofSeconds(5);
    private int maxFrameBytes = 16 << 20;

    public ClientConfig host(String host) {
        this.host = host;
        return this;
    }

    public ClientConfig port(int port) {
        this.port = port;
        return this;
    }

    public ClientConfig connections(int connections) {
        this.connections = connections;
        return this;
    }

    public ClientConfig ioThreads(int ioThreads) {
        this.ioThreads = ioThreads;
        return this;
    }

    public ClientConfig timeout(Duration timeout) {
        this.timeout = timeout;
        return this;
    }

    public ClientConfig connectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
        return this;
    }

    public ClientConfig maxFrameBytes(int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
        return this;
    }

    /** Checks every setting; throws {@link IllegalArgumentException} naming the first bad one. */
    public ClientConfig conclude() {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must be set");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535, not " + port);
        }
        if (connections < 1 || ioThreads < 1) {
            throw new IllegalArgumentException("connections and ioThreads must be at least 1");
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero() || connectTimeout == null || connectTimeout.isNegative()
                || connectTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
        if (maxFrameBytes < 1024) {
            throw new IllegalArgumentException("maxFrameBytes must be at least 1024, not " + maxFrameBytes);
        }
        return this;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public int connections() {
        return connections;
    }

    public int ioThreads() {
        return ioThreads;
    }

    public Duration timeout() {
        return timeout;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public int maxFrameBytes() {
        return maxFrameBytes;
    }
}
