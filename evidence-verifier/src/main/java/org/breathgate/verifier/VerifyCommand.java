package org.breathgate.verifier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.breathgate.attestation.AttestationException;
import org.breathgate.attestation.AttestationJson;
import org.breathgate.attestation.AttestationRecord;
import org.breathgate.attestation.TrustAnchors;
import org.breathgate.protocol.InvalidMessageException;
import org.breathgate.protocol.KeyId;
import org.breathgate.protocol.KeyResolver;
import org.breathgate.protocol.MessageVerifier;
import org.breathgate.protocol.SignedMessage;
import org.breathgate.protocol.VerificationKey;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code breathgate-verify}: checks one signed Breathgate message against a device's public key,
 * offline, and says VALID or INVALID with the reason. For anyone holding a piece of evidence:
 * a worker with a reading copied from a report, a lawyer, an auditor.
 */
@Command(name = "breathgate-verify", mixinStandardHelpOptions = true, version = "breathgate-verify 0.1.0",
        description = {
                "Checks one signed Breathgate message (JWS compact form) against a public key, offline.",
                "Prints the decoded header and payload, then VALID or INVALID with the reason.",
                "Exit status: 0 valid, 1 invalid, 2 usage or input error."},
        footer = {"", "Examples:",
                "  breathgate-verify --key device.pub.pem eyJhbGciOi...",
                "  breathgate-verify --key device.jwk.json --file reading.jws",
                "  pbpaste | breathgate-verify --key device.pub.pem -",
                "  breathgate-verify --key device.jwk.json --attestation attestation.json --tpm-ca vendor-ca.pem --file reading.jws"})
public final class VerifyCommand implements Callable<Integer> {

    static final int VALID = 0;
    static final int INVALID = 1;
    static final int USAGE = 2;

    @Option(names = {"-k", "--key"}, required = true, paramLabel = "FILE",
            description = "The signer's public key (Ed25519, or P-256 for ES256): a PEM file (-----BEGIN PUBLIC KEY-----) or a JWK JSON file.")
    private Path keyFile;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "Read the message from this file.")
    private Path messageFile;

    @Option(names = {"-d", "--device"}, paramLabel = "ID",
            description = "Also require that the message was signed by this device (or 'receiver').")
    private String expectedOwner;

    @Option(names = {"-a", "--attestation"}, paramLabel = "FILE",
            description = {"The key's TPM attestation record (JSON, format " + AttestationJson.RECORD_FORMAT + ", as the receiver keeps it"
                    + " and the parent's export carries it): also check that the key was certified by a TPM as made inside it."})
    private Path attestationFile;

    @Option(names = {"--tpm-ca"}, paramLabel = "FILE",
            description = {"With --attestation: a TPM vendor's CA certificates (PEM; repeat for several) that the TPM's EK certificate"
                    + " must chain to. Without it the chain is not checked, and the output says so."})
    private java.util.List<Path> tpmCaFiles = new java.util.ArrayList<>();

    @Option(names = {"--tpm-crl"}, paramLabel = "FILE",
            description = {"With --tpm-ca: a TPM vendor's certificate revocation list (DER or PEM; repeat for several). An EK"
                    + " certificate, or a CA in its chain, that a list names makes the attestation invalid (ek_revoked)."})
    private java.util.List<Path> tpmCrlFiles = new java.util.ArrayList<>();

    @Parameters(index = "0", arity = "0..1", paramLabel = "MESSAGE",
            description = "The message itself, or '-' to read it from standard input (the default without --file).")
    private String message;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    private final InputStream stdin;

    VerifyCommand(InputStream stdin) {
        this.stdin = stdin;
    }

    public static void main(String[] args) {
        System.exit(run(System.in, new PrintWriter(System.out, true, StandardCharsets.UTF_8),
                new PrintWriter(System.err, true, StandardCharsets.UTF_8), args));
    }

    /** Runs the command with the given streams; returns the exit status. */
    static int run(InputStream in, PrintWriter out, PrintWriter err, String... args) {
        CommandLine commandLine = new CommandLine(new VerifyCommand(in));
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExitCodeExceptionMapper(e -> USAGE);
        commandLine.setParameterExceptionHandler((e, a) -> {
            err.println(e.getMessage());
            e.getCommandLine().usage(err);
            return USAGE;
        });
        return commandLine.execute(args);
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String compact = readMessage().strip();
        String keyText = Files.readString(keyFile, StandardCharsets.UTF_8);
        KeyResolver resolver;
        try {
            resolver = resolverFor(keyText);
        } catch (IllegalArgumentException e) {
            err.println("Cannot use the key in " + keyFile + ": " + e.getMessage());
            return USAGE;
        }
        printDecoded(compact, out);
        try {
            SignedMessage verified = new MessageVerifier(resolver).verify(compact.getBytes(StandardCharsets.ISO_8859_1), expectedOwner);
            out.println("VALID: " + verified.message().type().wireName() + " signed by key " + verified.keyId()
                    + " (" + verified.algorithm() + ")");
            if (!verified.extensions().isEmpty()) {
                out.println("Fields this verifier does not know (signed, kept as they are): " + verified.extensions().keySet());
            }
            if (attestationFile != null) {
                return checkAttestation(verified, resolver, out, err);
            }
            return VALID;
        } catch (InvalidMessageException e) {
            out.println("INVALID: " + e.getMessage());
            return INVALID;
        }
    }

    /** {@code --attestation}: the record must be about the key that verified the message, and hold up offline. */
    private int checkAttestation(SignedMessage verified, KeyResolver resolver, PrintWriter out, PrintWriter err) throws IOException {
        JsonNode record;
        TrustAnchors vendors = null;
        try {
            record = new ObjectMapper().readTree(Files.readString(attestationFile, StandardCharsets.UTF_8));
            if (!tpmCaFiles.isEmpty()) {
                java.util.List<String> pems = new java.util.ArrayList<>();
                for (Path f : tpmCaFiles) {
                    pems.add(Files.readString(f, StandardCharsets.US_ASCII));
                }
                vendors = TrustAnchors.fromPem(pems);
                java.util.List<byte[]> crls = new java.util.ArrayList<>();
                for (Path f : tpmCrlFiles) {
                    crls.add(Files.readAllBytes(f));
                }
                vendors = vendors.withCrls(crls);
            } else if (!tpmCrlFiles.isEmpty()) {
                err.println("--tpm-crl needs --tpm-ca: the vendor CA certificates that signed the lists");
                return USAGE;
            }
        } catch (IOException | IllegalArgumentException e) {
            err.println("Cannot read the attestation record, the TPM vendor CA files or their revocation lists: " + e.getMessage());
            return USAGE;
        }
        VerificationKey key = resolver.find(verified.keyId()).orElseThrow();
        AttestationRecord.Checked checked;
        try {
            checked = AttestationRecord.check(record, key, vendors);
        } catch (AttestationException e) {
            out.println("ATTESTATION INVALID: " + e.getMessage());
            return INVALID;
        }
        if (!checked.kid().equals(verified.keyId().toString())) {
            out.println("ATTESTATION INVALID: different_key: the record was made for key " + checked.kid() + ", the message is signed by "
                    + verified.keyId());
            return INVALID;
        }
        out.println("ATTESTED: key " + checked.kid() + " was made inside a TPM (" + checked.tpmManufacturer() + " " + checked.tpmModel()
                + ") and cannot leave it: the TPM's attestation key certified its creation (checked now)");
        out.println("  EK certificate sha256:" + checked.ekCertificateSha256() + ", issued by " + checked.ekIssuer());
        out.println(checked.chainedTo().map(a -> "  The EK certificate chains to the TPM vendor CA " + a + " (checked now, as of "
                + checked.attestedAt() + ")").orElse("  The EK certificate's chain was NOT checked: give the TPM vendor's CA with --tpm-ca"));
        if (vendors != null) {
            out.println(vendors.crls().isEmpty() ? "  Revocation was NOT checked: give the TPM vendor's revocation list with --tpm-crl"
                    : "  No revocation list given (" + vendors.crls().size() + ") names the EK certificate or its chain"
                    + (vendors.withoutCrl().isEmpty() ? "" : "; not checked for revocation: what "
                    + vendors.withoutCrl().stream().map(c -> c.getSubjectX500Principal().getName()).toList() + " issued"));
        }
        checked.rotatedFrom().ifPresent(previous -> out.println("  A rotation from key " + previous + ": that key's attestation key"
                + " certified this key's creation (checked now)"));
        out.println("  That the attestation key was in that same TPM was checked by the receiver at " + checked.akActivatedAt()
                + " (credential activation; not repeatable offline)");
        return VALID;
    }

    /** A PEM key, or a JWK without a kid, is bound to whatever kid the message names; a JWK with a kid must match it. */
    private static KeyResolver resolverFor(String keyText) {
        String trimmed = keyText.strip();
        KeyId placeholder = new KeyId("any-device", 1);
        VerificationKey key;
        if (trimmed.startsWith("{")) {
            JsonNode jwk;
            try {
                jwk = new ObjectMapper().readTree(trimmed);
            } catch (IOException e) {
                throw new IllegalArgumentException("JWK is not JSON: " + e.getMessage(), e);
            }
            if (jwk.hasNonNull("kid")) {
                return KeyResolver.of(VerificationKey.fromJwk(null, trimmed));
            }
            key = VerificationKey.fromJwk(placeholder, trimmed);
        } else {
            key = VerificationKey.fromPem(placeholder, trimmed);
        }
        // The key keeps its type (Ed25519 or P-256), which decides the one alg it verifies.
        return id -> Optional.of(key.withKeyId(id));
    }

    private String readMessage() throws IOException {
        if (messageFile != null) {
            return Files.readString(messageFile, StandardCharsets.ISO_8859_1);
        }
        if (message == null || message.equals("-")) {
            return new String(stdin.readNBytes(MessageVerifier.MAX_COMPACT_BYTES + 2), StandardCharsets.ISO_8859_1);
        }
        return message;
    }

    /** Shows what the message says before the verdict, decoded without trusting it. */
    private static void printDecoded(String compact, PrintWriter out) {
        String[] parts = compact.split("\\.", -1);
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        String[] names = {"Header", "Payload"};
        for (int i = 0; i < Math.min(2, parts.length); i++) {
            try {
                byte[] json = Base64.getUrlDecoder().decode(parts[i]);
                out.println(names[i] + ":");
                out.println(mapper.writeValueAsString(mapper.readTree(json)));
            } catch (IllegalArgumentException | IOException e) {
                out.println(names[i] + ": (cannot be decoded)");
            }
        }
    }
}
