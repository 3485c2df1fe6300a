/**
 * What the network servers serve, without any network code: the ensembles by name, version and
 * alias ({@link dev.tutti.transport.serving.EnsembleRegistry}), the admission gate that lets graceful
 * shutdown drain in-flight requests ({@link dev.tutti.transport.serving.Admission}), and the servers'
 * settings ({@link dev.tutti.transport.serving.TransportConfig}).
 */
package dev.tutti.transport.serving;
