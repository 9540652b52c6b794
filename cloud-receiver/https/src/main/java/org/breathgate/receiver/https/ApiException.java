package org.breathgate.receiver.https;

import java.util.Map;
import java.util.Objects;

/**
 * An error answer of the HTTPS API: the {@link HttpsServer} turns it into HTTP {@link #status()} with
 * the body {@code {"error": code, "message": message}} and the given extra headers.
 */
public final class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final transient Map<String, String> headers;

    public ApiException(int status, String code, String message) {
        this(status, code, message, Map.of());
    }

    public ApiException(int status, String code, String message, Map<String, String> headers) {
        super(message);
        this.status = status;
        this.code = Objects.requireNonNull(code, "code");
        this.headers = Map.copyOf(headers);
    }

    public int status() {
        return status;
    }

    /** The machine-readable {@code error} value, e.g. {@code unknown_code}. */
    public String code() {
        return code;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
