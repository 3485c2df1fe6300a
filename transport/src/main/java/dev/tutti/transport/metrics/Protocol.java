package dev.tutti.transport.metrics;

import java.util.Locale;

/** Which server a request came through; the {@code protocol} label of the request metrics. */
public enum Protocol {
    BINARY,
    HTTP;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
