package org.breathgate.agent.enroll;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;
import org.breathgate.agent.evidence.DeviceKeyFile;
import org.breathgate.agent.evidence.KeyFileException;
import org.breathgate.protocol.DeviceRequests;
import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.SigningKey;

/**
 * Signs a device's requests to the receiver's HTTPS API (key rotation, deprovisioning) with the
 * device key, through the protocol's {@link DeviceRequests}: a compact JWS whose header carries a
 * {@code typ}, so a request can never be passed off as an evidence message, nor the reverse.
 */
public final class RequestSigner {

    private final SigningKey key;

    private RequestSigner(SigningKey key) {
        this.key = key;
    }

    /** The key in {@code file} (checked as the agent checks it: 0600, PKCS#8 Ed25519) as {@code keyId}. */
    public static RequestSigner load(Path file, KeyId keyId) throws KeyFileException {
        return new RequestSigner(DeviceKeyFile.load(file, keyId));
    }

    public KeyId keyId() {
        return key.keyId();
    }

    /** Compact JWS of {@code payload} with {@code typ}, e.g. {@code breathgate-key-rotation}. */
    public String sign(String typ, ObjectNode payload) {
        Objects.requireNonNull(payload, "payload");
        return DeviceRequests.sign(key, typ, payload.toString().getBytes(StandardCharsets.UTF_8));
    }
}
