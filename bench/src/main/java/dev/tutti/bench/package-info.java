/**
 * JMH benchmarks. Each compares Tutti with a baseline in the same run (the scalar reference, the
 * library that trained a model, a direct runtime call), because on small shared machines only
 * ratios measured side by side are stable. Results, the machine and the commands are recorded in
 * docs/benchmarks.md.
 */
package dev.tutti.bench;
