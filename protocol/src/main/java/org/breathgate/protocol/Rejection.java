package org.breathgate.protocol;

/**
 * Why a message was refused. Each cause has its own code so that a receiver can count and
 * quarantine by cause, and a person can tell what was wrong. The codes (lower case) are listed in
 * {@code docs/protocol.md}.
 */
public enum Rejection {
    /** Larger than {@link MessageVerifier#MAX_COMPACT_BYTES}. */
    OVERSIZED,
    /** Not three base64url parts separated by two dots, or not ASCII. */
    MALFORMED_COMPACT,
    /** A part is not canonical unpadded base64url. */
    BAD_BASE64URL,
    /** The header or payload is not a single JSON object. */
    MALFORMED_JSON,
    /** A JSON object has the same key twice. */
    DUPLICATE_KEY,
    /** Something follows the JSON object. */
    TRAILING_DATA,
    /** {@code alg} is {@code none}. */
    ALG_NONE,
    /** {@code alg} is none of {@code EdDSA}, {@code Ed25519} and {@code ES256}, or missing. */
    UNSUPPORTED_ALG,
    /** The header has a {@code crit} parameter; this protocol defines no critical extensions. */
    UNSUPPORTED_CRITICAL_HEADER,
    /** The header has no usable {@code kid}. */
    MISSING_KID,
    /**
     * The header's {@code typ} is not what this use expects: messages have none, signed device
     * requests have their own (see {@link DeviceRequests}), so one can never pass for the other.
     */
    WRONG_TYP,
    /** The {@code kid} names another device than the one expected (e.g. from the topic). */
    KID_MISMATCH,
    /** No key is known for the {@code kid}. */
    UNKNOWN_KEY,
    /**
     * The {@code alg} does not fit the type of the key the {@code kid} names (e.g. {@code ES256} for
     * a key enrolled as Ed25519): no algorithm confusion, whatever the signature.
     */
    ALG_KEY_MISMATCH,
    /** The signature does not verify. */
    BAD_SIGNATURE,
    /** The payload's {@code v} is not a version this implementation reads. */
    UNSUPPORTED_VERSION,
    /** The payload's {@code type} is not a known message type. */
    UNKNOWN_TYPE,
    /** A required field is missing or null. */
    MISSING_FIELD,
    /** A field has the wrong JSON type or a value outside its rules. */
    INVALID_FIELD,
    /** The payload's {@code device} is not the device the {@code kid} names. */
    DEVICE_MISMATCH;

    /** The code as written in logs, quarantine records and acks. */
    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
