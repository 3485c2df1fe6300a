package dev.tutti.transport.http;

import io.netty.handler.codec.http.HttpResponseStatus;

/** A request the HTTP API refuses, with the status and the message of its JSON error body. */
final class BadRequestException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient HttpResponseStatus status;

    BadRequestException(String message) {
        this(HttpResponseStatus.BAD_REQUEST, message);
    }

    BadRequestException(HttpResponseStatus status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    HttpResponseStatus status() {
        return status;
    }
}
