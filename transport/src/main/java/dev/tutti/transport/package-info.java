/**
 * Tutti on the network: {@link dev.tutti.transport.TransportServer} starts the binary protocol
 * server and the HTTP server over the ensembles of an
 * {@link dev.tutti.transport.serving.EnsembleRegistry}; {@code client} holds the Java client of the
 * binary protocol; {@code protocol} the wire format (docs/protocol.md).
 */
package dev.tutti.transport;
