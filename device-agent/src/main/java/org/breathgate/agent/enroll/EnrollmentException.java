package org.breathgate.agent.enroll;

import java.util.Objects;

/**
 * The receiver refused a request, or could not be reached safely. {@link #code()} is the
 * receiver's error code ({@code unknown_code}, {@code code_used}, ...) or one of the device's own:
 * {@code unreachable}, {@code certificate_mismatch}, {@code bad_response}.
 */
public class EnrollmentException extends Exception {

    private final String code;
    private final int httpStatus;

    public EnrollmentException(String code, int httpStatus, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
        this.httpStatus = httpStatus;
    }

    public EnrollmentException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
        this.httpStatus = 0;
    }

    public String code() {
        return code;
    }

    /** The HTTP status, or 0 when no answer came. */
    public int httpStatus() {
        return httpStatus;
    }
}
