package org.breathgate.agent.enroll;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Objects;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;
import org.breathgate.agent.evidence.DeviceKeyFile;
import org.breathgate.agent.evidence.KeyFileException;
import org.breathgate.protocol.KeyId;

/**
 * Signs a device's requests to the receiver's HTTPS API (key rotation, deprovisioning) as a
 * compact JWS with the device key: header {@code {"alg":"EdDSA","kid":"<device>:<n>","typ":"<typ>"}}.
 * The {@code typ} keeps these apart from evidence messages, whose header has exactly
 * {@code alg} and {@code kid}: a request can never be passed off as a message, nor the reverse.
 * (The protocol module signs only its own message types, so requests are signed here.)
 */
public final class RequestSigner {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final KeyId keyId;
    private final Ed25519PrivateKeyParameters key;

    private RequestSigner(KeyId keyId, Ed25519PrivateKeyParameters key) {
        this.keyId = keyId;
        this.key = key;
    }

    /** The key in {@code file} (checked as the agent checks it: 0600, PKCS#8 Ed25519) as {@code keyId}. */
    public static RequestSigner load(Path file, KeyId keyId) throws KeyFileException {
        DeviceKeyFile.load(file, keyId); // permissions and format, with the agent's messages
        try (PemReader reader = new PemReader(new StringReader(Files.readString(file, StandardCharsets.US_ASCII)))) {
            PemObject pem = reader.readPemObject();
            AsymmetricKeyParameter k = PrivateKeyFactory.createKey(pem.getContent());
            if (!(k instanceof Ed25519PrivateKeyParameters ed)) {
                throw new KeyFileException("device key file " + file + " is not an Ed25519 key");
            }
            return new RequestSigner(keyId, ed);
        } catch (IOException | RuntimeException e) {
            throw new KeyFileException("cannot read device key file " + file + ": " + e.getMessage(), e);
        }
    }

    public KeyId keyId() {
        return keyId;
    }

    /** Compact JWS of {@code payload} with {@code typ}, e.g. {@code breathgate-key-rotation}. */
    public String sign(String typ, ObjectNode payload) {
        Objects.requireNonNull(typ, "typ");
        ObjectNode header = JSON.createObjectNode();
        header.put("alg", "EdDSA");
        header.put("kid", keyId.toString());
        header.put("typ", typ);
        String input = B64.encodeToString(header.toString().getBytes(StandardCharsets.UTF_8)) + "."
                + B64.encodeToString(payload.toString().getBytes(StandardCharsets.UTF_8));
        byte[] data = input.getBytes(StandardCharsets.US_ASCII);
        byte[] signature = new byte[Ed25519PrivateKeyParameters.SIGNATURE_SIZE];
        key.sign(Ed25519.Algorithm.Ed25519, null, data, 0, data.length, signature, 0);
        return input + "." + B64.encodeToString(signature);
    }
}
