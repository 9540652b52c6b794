package org.breathgate.receiver.app;

import org.breathgate.attestation.TrustAnchors;
import org.breathgate.receiver.app.config.ReceiverConfig;
import org.breathgate.receiver.app.config.TpmVendors;
import org.breathgate.receiver.evidence.device.DeviceRegistry;
import org.breathgate.receiver.ingest.deviceapi.DeviceAttestation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;

/**
 * TPM attestation as the receiver starts it: offered when TPM vendors' CA files are configured, required when the operator
 * says so, with the vendors' revocation lists. At start it says what it trusts and what it does not check, and checks the
 * attested keys of enrolled devices against the lists ({@link AttestedKeyCheck}).
 */
final class TpmAttestationSetup {

    private static final Logger LOG = LoggerFactory.getLogger(TpmAttestationSetup.class);

    private TpmAttestationSetup() {
    }

    static DeviceAttestation attestation(ReceiverConfig.Enrollment w, DeviceRegistry registry, Clock clock) {
        if (w.tpmVendorCaFiles().isEmpty()) {
            LOG.info("TPM attestation at enrollment not offered (no {}): every device key is enrolled as a software key",
                    ReceiverConfig.ENROLLMENT_TPM_VENDOR_CA_FILES);
            return DeviceAttestation.notOffered(clock);
        }
        TrustAnchors vendors = TpmVendors.read(w.tpmVendorCaFiles(), w.tpmVendorCrlFiles());
        for (X509Certificate ca : vendors.withoutCrl()) {
            LOG.info("EK certificates issued by {} are not checked for revocation: no {} of it", ca.getSubjectX500Principal().getName(),
                    ReceiverConfig.ENROLLMENT_TPM_VENDOR_CRL_FILES);
        }
        for (X509CRL stale : vendors.staleCrls(clock.instant())) {
            LOG.warn("the revocation list of {} was due to be replaced on {}: it is still used, but fetch the vendor's newer one",
                    stale.getIssuerX500Principal().getName(), stale.getNextUpdate().toInstant());
        }
        if (!vendors.crls().isEmpty()) {
            AttestedKeyCheck.Result check = AttestedKeyCheck.run(registry, vendors);
            for (AttestedKeyCheck.Finding f : check.findings()) {
                LOG.warn("the attested key {} no longer passes: {} (breathgate-receiver tpm-check lists them; revoke the device"
                        + " or enroll it again)", f.key(), f.detail());
            }
            LOG.info("attested device keys checked against the revocation lists: {} checked, {} no longer pass", check.checked(),
                    check.findings().size());
        }
        LOG.info("TPM attestation at enrollment offered{}: EK certificates must chain to {}", w.requireTpmKey() ? " and REQUIRED" : "",
                vendors.roots().stream().map(c -> c.getSubjectX500Principal().getName()).toList());
        return DeviceAttestation.offered(vendors, w.requireTpmKey(), clock, new SecureRandom());
    }
}
