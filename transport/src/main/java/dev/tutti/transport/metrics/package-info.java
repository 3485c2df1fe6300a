/**
 * Metrics of the servers and the engine in Prometheus form, through the Prometheus Java client
 * (prometheus-metrics-core): request counters and latency histograms observed by the servers,
 * the engine's counters, member health and stage latencies read from each service's snapshot at
 * scrape time, and per-ensemble totals for the Triton statistics endpoint.
 */
package dev.tutti.transport.metrics;
