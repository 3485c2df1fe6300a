package dev.tutti.transport.protocol;

/** The frame types of protocol version 1 and their codes on the wire (the header's type byte). */
public enum MessageType {
    /** Client to server: score rows with an ensemble. */
    SCORE_REQUEST(1),
    /** Server to client: the answer to a score request. */
    SCORE_RESPONSE(2),
    /** Client to server: describe an ensemble (schema, classes, members). */
    METADATA_REQUEST(3),
    /** Server to client: the answer to a metadata request. */
    METADATA_RESPONSE(4),
    /** Server to client: a request failed, or a frame could not be read. */
    ERROR(5);

    private static final MessageType[] BY_CODE = new MessageType[6];

    static {
        for (MessageType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;

    MessageType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The type with this code, or null when the code is unknown. */
    public static MessageType of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
