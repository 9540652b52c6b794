package org.breathgate.protocol;

import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;
import org.bouncycastle.util.io.pem.PemWriter;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;

/** PEM armour (RFC 7468) for keys, through Bouncy Castle's reader and writer. */
final class Pem {
    private Pem() {
    }

    static byte[] decode(String pem, String expectedType) {
        try (PemReader reader = new PemReader(new StringReader(pem))) {
            PemObject object = reader.readPemObject();
            if (object == null) {
                throw new IllegalArgumentException("no PEM block found (expected -----BEGIN " + expectedType + "-----)");
            }
            if (!object.getType().equals(expectedType)) {
                throw new IllegalArgumentException("PEM block is '" + object.getType() + "', expected '" + expectedType + "'");
            }
            return object.getContent();
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed PEM: " + e.getMessage(), e);
        }
    }

    static String encode(byte[] der, String type) {
        StringWriter out = new StringWriter();
        try (PemWriter writer = new PemWriter(out)) {
            writer.writeObject(new PemObject(type, der));
        } catch (IOException e) {
            throw new IllegalStateException("writing PEM to memory failed", e);
        }
        return out.toString();
    }
}
