package dev.tutti.transport.http;

import java.util.List;

/**
 * An inference request as read from JSON (and binary tensor data): the parts Tutti uses.
 *
 * @param id the caller's id, echoed in the response, or null
 * @param inputs the input tensors in request order
 * @param outputs the outputs asked for (empty: all)
 * @param tier the latency tier (parameter {@code tier}, default 0)
 * @param budgetMicros the latency budget (parameter {@code budget_ms}), or 0 for the tier's
 * @param binaryOutput every output as binary tensor data (parameter {@code binary_data_output})
 * @param explain explanations asked for (parameter {@code explain}): the response's
 *     {@code parameters.explanations}
 */
record InferRequest(String id, List<Tensor> inputs, List<Output> outputs, int tier, long budgetMicros, boolean binaryOutput,
        boolean explain) {

    /**
     * One input tensor; its elements as text cells (numbers as written, labels, {@code ""} for null).
     *
     * @param binarySize bytes of binary tensor data after the JSON, or -1 when the data was in JSON
     */
    record Tensor(String name, String datatype, long[] shape, List<String> cells, long binarySize) {
        long elements() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    /** An output asked for; {@code binary} when its data goes after the JSON. */
    record Output(String name, boolean binary) {}
}
