package dev.tutti.transport.serving;

import java.time.Duration;

/**
 * Settings of the network servers: one context object, filled with fluent setters, validated once by
 * {@link #conclude()} when a server starts and never read again on the hot path.
 *
 * <table>
 *   <caption>Properties and defaults</caption>
 *   <tr><th>property</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>host</td><td>127.0.0.1</td><td>the address both servers bind</td></tr>
 *   <tr><td>binaryPort</td><td>7070</td><td>binary protocol port (0: any free port)</td></tr>
 *   <tr><td>httpPort</td><td>8080</td><td>HTTP port (0: any free port)</td></tr>
 *   <tr><td>ioThreads</td><td>one per core</td><td>Netty event-loop threads shared by both servers (with one, the
 *       event loop was the bottleneck of 1-row HTTP requests on 2 cores; see docs/benchmarks.md)</td></tr>
 *   <tr><td>maxFrameBytes</td><td>4 MiB</td><td>largest binary frame; a longer one closes the connection</td></tr>
 *   <tr><td>maxHttpBodyBytes</td><td>8 MiB</td><td>largest HTTP request body (413 past it)</td></tr>
 *   <tr><td>maxRowsPerRequest</td><td>1024</td><td>most rows one request may carry</td></tr>
 *   <tr><td>maxConnections</td><td>1024</td><td>open connections per server; more are refused and closed</td></tr>
 *   <tr><td>maxInFlightPerConnection</td><td>1024</td><td>binary requests in flight per connection before the server stops reading it</td></tr>
 *   <tr><td>idleTimeout</td><td>5 min</td><td>a connection with no traffic and nothing in flight for this long is closed</td></tr>
 *   <tr><td>drainTimeout</td><td>10 s</td><td>how long graceful shutdown waits for in-flight requests</td></tr>
 * </table>
 */
public final class TransportConfig {
    private String host = "127.0.0.1";
    private int binaryPort = 7070;
    private int httpPort = 8080;
    private int ioThreads = Runtime.getRuntime().availableProcessors();
    private int maxFrameBytes = 4 << 20;
    private int maxHttpBodyBytes = 8 << 20;
    private int maxRowsPerRequest = 1024;
    private int maxConnections = 1024;
    private int maxInFlightPerConnection = 1024;
    private Duration idleTimeout = Duration.ofMinutes(5);
    private Duration drainTimeout = Duration.ofSeconds(10);

    public TransportConfig host(String host) {
        this.host = host;
        return this;
    }

    public TransportConfig binaryPort(int port) {
        this.binaryPort = port;
        return this;
    }

    public TransportConfig httpPort(int port) {
        this.httpPort = port;
        return this;
    }

    public TransportConfig ioThreads(int threads) {
        this.ioThreads = threads;
        return this;
    }

    public TransportConfig maxFrameBytes(int bytes) {
        this.maxFrameBytes = bytes;
        return this;
    }

    public TransportConfig maxHttpBodyBytes(int bytes) {
        this.maxHttpBodyBytes = bytes;
        return this;
    }

    public TransportConfig maxRowsPerRequest(int rows) {
        this.maxRowsPerRequest = rows;
        return this;
    }

    public TransportConfig maxConnections(int connections) {
        this.maxConnections = connections;
        return this;
    }

    public TransportConfig maxInFlightPerConnection(int requests) {
        this.maxInFlightPerConnection = requests;
        return this;
    }

    public TransportConfig idleTimeout(Duration timeout) {
        this.idleTimeout = timeout;
        return this;
    }

    public TransportConfig drainTimeout(Duration timeout) {
        this.drainTimeout = timeout;
        return this;
    }

    /** Checks every setting; throws {@link IllegalArgumentException} naming the first bad one. */
    public TransportConfig conclude() {
        require(host != null && !host.isBlank(), "host must be set");
        require(binaryPort >= 0 && binaryPort <= 65535, "binaryPort must be 0-65535, not " + binaryPort);
        require(httpPort >= 0 && httpPort <= 65535, "httpPort must be 0-65535, not " + httpPort);
        require(ioThreads >= 1, "ioThreads must be at least 1, not " + ioThreads);
        require(maxFrameBytes >= 1024, "maxFrameBytes must be at least 1024, not " + maxFrameBytes);
        require(maxHttpBodyBytes >= 1024, "maxHttpBodyBytes must be at least 1024, not " + maxHttpBodyBytes);
        require(maxRowsPerRequest >= 1, "maxRowsPerRequest must be at least 1, not " + maxRowsPerRequest);
        require(maxConnections >= 1, "maxConnections must be at least 1, not " + maxConnections);
        require(maxInFlightPerConnection >= 1, "maxInFlightPerConnection must be at least 1, not " + maxInFlightPerConnection);
        require(idleTimeout != null && !idleTimeout.isNegative() && !idleTimeout.isZero(), "idleTimeout must be positive");
        require(drainTimeout != null && !drainTimeout.isNegative(), "drainTimeout must not be negative");
        return this;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    public String host() {
        return host;
    }

    public int binaryPort() {
        return binaryPort;
    }

    public int httpPort() {
        return httpPort;
    }

    public int ioThreads() {
        return ioThreads;
    }

    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    public int maxHttpBodyBytes() {
        return maxHttpBodyBytes;
    }

    public int maxRowsPerRequest() {
        return maxRowsPerRequest;
    }

    public int maxConnections() {
        return maxConnections;
    }

    public int maxInFlightPerConnection() {
        return maxInFlightPerConnection;
    }

    public Duration idleTimeout() {
        return idleTimeout;
    }

    public Duration drainTimeout() {
        return drainTimeout;
    }
}
