package dev.tutti.transport.http;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.tutti.transport.protocol.ErrorCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Builds HTTP responses: JSON bodies written straight into a pooled buffer, errors as
 * {@code {"error": "..."}}, and the status that each protocol error code maps to.
 *
 * <p>Ownership: each response owns its content buffer until Netty writes and releases it; a caller
 * that does not write a response must release it. Threads: any (the JSON factory is thread-safe).
 */
final class Responses {
    static final JsonFactory JSON = new JsonFactory();

    private Responses() {}

    /** Writes the body of a JSON response. */
    @FunctionalInterface
    interface JsonBody {
        void write(JsonGenerator g) throws IOException;
    }

    static FullHttpResponse json(ByteBufAllocator alloc, HttpResponseStatus status, JsonBody body) {
        ByteBuf buf = alloc.buffer(256);
        try (JsonGenerator g = JSON.createGenerator((java.io.OutputStream) new ByteBufOutputStream(buf), JsonEncoding.UTF8)) {
            body.write(g);
        } catch (IOException | RuntimeException e) {
            buf.release();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
        return response(status, buf, HttpHeaderValues.APPLICATION_JSON);
    }

    static FullHttpResponse response(HttpResponseStatus status, ByteBuf content, CharSequence contentType) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType).setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        return r;
    }

    static FullHttpResponse empty(ByteBufAllocator alloc, HttpResponseStatus status) {
        return response(status, alloc.buffer(0), HttpHeaderValues.TEXT_PLAIN);
    }

    static FullHttpResponse error(ByteBufAllocator alloc, HttpResponseStatus status, String message) {
        return json(alloc, status, g -> {
            g.writeStartObject();
            g.writeStringField("error", message);
            g.writeEndObject();
        });
    }

    static HttpResponseStatus status(ErrorCode code) {
        return switch (code) {
            case UNKNOWN_ENSEMBLE -> HttpResponseStatus.NOT_FOUND;
            case OVERLOADED, TOO_MANY_CONNECTIONS -> HttpResponseStatus.TOO_MANY_REQUESTS;
            case DEADLINE_EXCEEDED -> HttpResponseStatus.GATEWAY_TIMEOUT;
            case UNAVAILABLE, SHUTTING_DOWN -> HttpResponseStatus.SERVICE_UNAVAILABLE;
            case FRAME_TOO_LARGE -> HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
            case INTERNAL -> HttpResponseStatus.INTERNAL_SERVER_ERROR;
            case MALFORMED_FRAME, UNSUPPORTED_VERSION, UNKNOWN_MESSAGE_TYPE, INVALID_INPUT, TOO_MANY_ROWS, UNSUPPORTED ->
                    HttpResponseStatus.BAD_REQUEST;
        };
    }
}
