package dev.tutti.transport.binary;

import dev.tutti.engine.serving.ScoreResponse;
import dev.tutti.transport.protocol.ErrorCode;
import dev.tutti.transport.protocol.MemberSummary;
import dev.tutti.transport.protocol.ModelMetadata;

/**
 * One frame the server will send, as a plain object until {@link ReplyEncoder} writes it: holding
 * no buffer, a reply that can no longer be written (its connection closed) costs nothing to drop.
 */
public sealed interface Reply {
    long correlationId();

    /** The answer to a score request. */
    record Score(long correlationId, ScoreResponse response, int classCount, MemberSummary members) implements Reply {}

    /** The answer to a metadata request. */
    record Metadata(long correlationId, ModelMetadata metadata) implements Reply {}

    /** An error frame; {@code row} is the offending row or -1. */
    record Error(long correlationId, ErrorCode code, int row, String message) implements Reply {}
}
