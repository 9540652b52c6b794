package org.breathgate.receiver.app.config;

import org.breathgate.attestation.TrustAnchors;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.breathgate.receiver.app.config.ReceiverConfig.ENROLLMENT_TPM_VENDOR_CA_FILES;
import static org.breathgate.receiver.app.config.ReceiverConfig.ENROLLMENT_TPM_VENDOR_CRL_FILES;

/**
 * The TPM vendors a receiver trusts, read from {@code enrollment.tpm-vendor-ca-files} and
 * {@code enrollment.tpm-vendor-crl-files}: the one place those files become {@link TrustAnchors}, for the configuration's
 * check at load and for the receiver at start.
 */
public final class TpmVendors {

    private TpmVendors() {
    }

    /**
     * @throws ConfigException naming the setting and the file, when a file cannot be read, is not what the setting wants, or the
     *                         set has no self-signed root, or a CRL no configured CA signed
     */
    public static TrustAnchors read(List<Path> caFiles, List<Path> crlFiles) {
        List<String> pems = new ArrayList<>();
        for (Path file : caFiles) {
            try {
                String pem = Files.readString(file, StandardCharsets.US_ASCII);
                if (!pem.contains("-----BEGIN CERTIFICATE-----")) {
                    throw new IllegalArgumentException("no -----BEGIN CERTIFICATE----- in it");
                }
                pems.add(pem);
            } catch (IOException | IllegalArgumentException e) {
                throw new ConfigException(ENROLLMENT_TPM_VENDOR_CA_FILES + ": " + file + " is not PEM certificate(s): " + e.getMessage(), e);
            }
        }
        TrustAnchors vendors;
        try {
            vendors = TrustAnchors.fromPem(pems);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(ENROLLMENT_TPM_VENDOR_CA_FILES + " " + caFiles + ": " + e.getMessage()
                    + " (give the vendors' self-signed root certificates, and the intermediate CAs that issue EK certificates)", e);
        }
        for (Path file : crlFiles) {
            try {
                vendors = vendors.withCrls(List.of(Files.readAllBytes(file)));
            } catch (IOException | IllegalArgumentException e) {
                throw new ConfigException(ENROLLMENT_TPM_VENDOR_CRL_FILES + ": " + file + ": " + e.getMessage(), e);
            }
        }
        return vendors;
    }
}
