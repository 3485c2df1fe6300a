/**
 * The Java client of the binary protocol: {@link dev.tutti.transport.client.TuttiClient} keeps a
 * small pool of connections, pipelines many requests on each, matches answers by correlation id,
 * times requests out, and turns error frames into {@link dev.tutti.transport.client.RemoteErrorException}s.
 */
package dev.tutti.transport.client;
