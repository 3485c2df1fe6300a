package dev.tutti.transport.netty;

import dev.tutti.transport.protocol.ErrorCode;

/**
 * What {@link FrameDecoder} passes on instead of a frame when the byte stream cannot be read on:
 * a length below the header's or above the limit. The next handler reports it (a server answers with
 * an error frame) and closes the connection; the decoder discards everything after it.
 *
 * @param code {@link ErrorCode#FRAME_TOO_LARGE} or {@link ErrorCode#MALFORMED_FRAME}
 * @param correlationId the frame's id when its header was readable, else 0
 */
public record UnreadableStream(ErrorCode code, long correlationId, String message) {}
