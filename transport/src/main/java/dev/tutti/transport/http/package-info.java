/**
 * The HTTP server: the Open Inference Protocol (KServe v2) REST endpoints, Triton's model
 * configuration and statistics extensions, the binary tensor data extension, and Prometheus
 * metrics at {@code /metrics}. Every error is JSON {@code {"error": "..."}} with a fitting status.
 * Pipelined requests on one connection are answered in order.
 */
package dev.tutti.transport.http;
