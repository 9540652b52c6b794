package org.breathgate.receiver.app;

import org.breathgate.attestation.TrustAnchors;
import org.breathgate.receiver.app.config.ConfigException;
import org.breathgate.receiver.app.config.ReceiverConfig;
import org.breathgate.receiver.app.config.TpmVendors;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.receiver.evidence.device.DeviceRegistry;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;

/**
 * {@code breathgate-receiver tpm-check}: checks every active device's attested keys again against the configured TPM vendors'
 * CAs and revocation lists ({@link AttestedKeyCheck}); prints one line per key that no longer passes and exits 3 if any does,
 * 0 if none (2: no vendors are configured). Run it when a vendor publishes a new revocation list.
 */
@Command(name = "tpm-check", mixinStandardHelpOptions = true,
        description = {"Check the devices' TPM-attested keys against the configured TPM vendors' CAs and revocation lists.",
            "Exit 0 when all pass, 3 when some no longer do (each listed), 2 when no vendor CA is configured."})
final class TpmCheckCommand implements Callable<Integer> {

    /** Some attested key no longer passes. */
    static final int FOUND = 3;

    @CommandLine.ParentCommand
    ReceiverMain parent;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        ReceiverConfig config = parent.config();
        PrintWriter out = spec.commandLine().getOut();
        ReceiverConfig.Enrollment enrollment = config.enrollment();
        if (enrollment.tpmVendorCaFiles().isEmpty()) {
            throw new ConfigException("no " + ReceiverConfig.ENROLLMENT_TPM_VENDOR_CA_FILES + " is configured: there is nothing to check"
                    + " attested keys against");
        }
        TrustAnchors vendors = TpmVendors.read(enrollment.tpmVendorCaFiles(), enrollment.tpmVendorCrlFiles());
        AttestedKeyCheck.Result result;
        try (Database database = Database.open(config.database().jdbcUrl())) {
            result = AttestedKeyCheck.run(new DeviceRegistry(database, Clock.systemUTC()), vendors);
        }
        for (AttestedKeyCheck.Finding f : result.findings()) {
            out.println(f);
        }
        out.println(result.checked() + " attested keys checked against " + vendors.roots().size() + " vendor roots and " + vendors.crls().size()
                + " revocation lists: " + (result.findings().isEmpty() ? "all pass"
                : result.findings().size() + " no longer pass (revoke the device, or enroll it again with another TPM)"));
        for (var ca : vendors.withoutCrl()) {
            out.println("not checked for revocation (no list configured): certificates issued by " + ca.getSubjectX500Principal().getName());
        }
        out.flush();
        return result.findings().isEmpty() ? 0 : FOUND;
    }
}
