package org.breathgate.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A real TPM 2.0 for a test: Debian's {@code swtpm} (the TPM simulator QEMU and the Linux TPM stack
 * test against) on a free loopback TCP port, manufactured by {@code swtpm_setup} with RSA and ECC
 * endorsement keys whose certificates are issued by a {@link LocalCa} and written into the TPM's NV
 * memory, as a TPM vendor does at the factory. Tools reach it with the TCTI {@link #tcti()}
 * ({@code swtpm:host=127.0.0.1,port=N}), e.g. {@code TPM2TOOLS_TCTI} for {@code tpm2-tools}.
 *
 * <p>Needs the Debian packages {@code swtpm}, {@code swtpm-tools} and {@code tpm2-tools}; a missing
 * one fails the test with the package to install. Each instance is its own TPM: its own state
 * folder, endorsement seed and ports. {@link #close()} stops it and deletes its state.
 */
public final class SoftwareTpm implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final Path dir;
    private final LocalCa ca;
    private final int port;
    private Process process;

    private SoftwareTpm(Path dir, LocalCa ca, int port, Process process) {
        this.dir = dir;
        this.ca = ca;
        this.port = port;
        this.process = process;
    }

    /**
     * A vendor's certificate authority, as swtpm's {@code swtpm_localca} keeps it: a root and an
     * intermediate ("issuer") certificate that signs the EK certificates of every TPM made with it.
     * Two instances are two unrelated vendors.
     */
    public static final class LocalCa {
        private final Path dir;

        private LocalCa(Path dir) {
            this.dir = dir;
        }

        /** A new, empty CA in {@code dir}; its keys are made when the first TPM is manufactured with it. */
        public static LocalCa in(Path dir) {
            try {
                Files.createDirectories(dir);
                Files.writeString(dir.resolve("localca.conf"), String.join("\n",
                        "statedir = " + dir,
                        "signingkey = " + dir.resolve("signkey.pem"),
                        "issuercert = " + dir.resolve("issuercert.pem"),
                        "certserial = " + dir.resolve("certserial"), ""), StandardCharsets.US_ASCII);
                Files.writeString(dir.resolve("localca.options"), String.join("\n",
                        "--platform-manufacturer Breathgate-test", "--platform-version 2.1", "--platform-model swtpm", ""),
                        StandardCharsets.US_ASCII);
                Files.writeString(dir.resolve("swtpm_setup.conf"), String.join("\n",
                        "create_certs_tool = " + which("swtpm_localca", "swtpm-tools"),
                        "create_certs_tool_config = " + dir.resolve("localca.conf"),
                        "create_certs_tool_options = " + dir.resolve("localca.options"),
                        "active_pcr_banks = sha256", ""), StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot prepare a local CA in " + dir, e);
            }
            return new LocalCa(dir);
        }

        /** The root certificate (PEM): what a receiver configures as a trust anchor. */
        public Path rootCertificate() {
            return existing(dir.resolve("swtpm-localca-rootca-cert.pem"));
        }

        /** The intermediate certificate (PEM) that issues the EK certificates. */
        public Path issuerCertificate() {
            return existing(dir.resolve("issuercert.pem"));
        }

        Path setupConfig() {
            return dir.resolve("swtpm_setup.conf");
        }

        /**
         * The revocation list this CA's issuer publishes, revoking the certificates of {@code serials} (e.g. an EK certificate,
         * {@link SoftwareTpm#ekCertificate()}), valid for a week: written as PEM to {@code file} by OpenSSL's {@code ca -gencrl}
         * with the issuer's own signing key, as a vendor publishes one.
         */
        public Path revocationList(Path file, java.math.BigInteger... serials) {
            existing(dir.resolve("issuercert.pem"));
            Path crlDir = dir.resolve("crl-" + System.nanoTime());
            try {
                Files.createDirectories(crlDir);
                StringBuilder index = new StringBuilder();
                for (java.math.BigInteger serial : serials) {
                    // openssl ca's database: status, expiry, revocation time and reason, serial (hex), file, subject
                    String hex = serial.toString(16).toUpperCase(java.util.Locale.ROOT);
                    index.append("R\t491231235959Z\t261101000000Z,keyCompromise\t").append(hex.length() % 2 == 0 ? hex : "0" + hex)
                            .append("\tunknown\t/CN=revoked\n");
                }
                Files.writeString(crlDir.resolve("index.txt"), index, StandardCharsets.US_ASCII);
                Files.writeString(crlDir.resolve("crlnumber"), "01\n", StandardCharsets.US_ASCII);
                Files.writeString(crlDir.resolve("ca.cnf"), String.join("\n", "[ca]", "default_ca = this", "[this]",
                        "database = " + crlDir.resolve("index.txt"), "crlnumber = " + crlDir.resolve("crlnumber"),
                        "certificate = " + dir.resolve("issuercert.pem"), "private_key = " + dir.resolve("signkey.pem"),
                        "default_md = sha256", "default_crl_days = 7", ""), StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot prepare a revocation list in " + crlDir, e);
            }
            Result made = run(crlDir, Map.of(), which("openssl", "openssl"), "ca", "-config", crlDir.resolve("ca.cnf").toString(), "-gencrl",
                    "-out", file.toAbsolutePath().toString());
            if (made.exit() != 0) {
                throw new IllegalStateException("openssl ca -gencrl failed: " + made.output());
            }
            return file;
        }

        private static Path existing(Path p) {
            if (!Files.exists(p)) {
                throw new IllegalStateException(p + " does not exist yet: the CA is made when the first TPM is started with it");
            }
            return p;
        }
    }

    /** Manufactures a TPM in {@code dir} with EK certificates from {@code ca}, and starts it. */
    public static SoftwareTpm start(Path dir, LocalCa ca) {
        Objects.requireNonNull(ca, "ca");
        Path state = dir.resolve("state");
        try {
            Files.createDirectories(state);
            run(dir, Map.of(), which("swtpm_setup", "swtpm-tools"), "--tpm2", "--tpmstate", state.toString(),
                    "--create-ek-cert", "--create-platform-cert", "--config", ca.setupConfig().toString(), "--overwrite");
            int port = Ports.freeRun(2); // the server's port and, after it, the control channel's
            return new SoftwareTpm(dir, ca, port, launch(dir, port));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start swtpm in " + dir, e);
        }
    }

    private static Process launch(Path dir, int port) throws IOException {
        int ctrl = port + 1; // the swtpm TCTI finds the control channel on the next port
        ProcessBuilder pb = new ProcessBuilder(which("swtpm", "swtpm"), "socket", "--tpm2",
                "--tpmstate", "dir=" + dir.resolve("state"), "--server", "type=tcp,port=" + port + ",bindaddr=127.0.0.1",
                "--ctrl", "type=tcp,port=" + ctrl + ",bindaddr=127.0.0.1", "--flags", "not-need-init,startup-clear",
                "--log", "file=" + dir.resolve("swtpm.log"))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("swtpm.out").toFile()));
        Process process = pb.start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!Ports.accepts(port)) {
            boolean exited = !process.isAlive();
            if (exited || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("swtpm did not start on port " + port
                        + (exited ? " (it exited)" : " in " + START_TIMEOUT.toSeconds() + " s") + ": "
                        + tail(dir.resolve("swtpm.out")) + " " + tail(dir.resolve("swtpm.log")));
            }
            Ports.sleep(25);
        }
        return process;
    }

    /** The last lines of one of swtpm's output files, for an error message (it logs a failed bind to its log file). */
    private static String tail(Path file) {
        try {
            String text = Files.exists(file) ? Files.readString(file).strip() : "";
            return file.getFileName() + ": " + (text.isEmpty() ? "(empty)" : text.substring(Math.max(0, text.length() - 800)));
        } catch (IOException e) {
            return file.getFileName() + ": unreadable (" + e.getMessage() + ")";
        }
    }

    /**
     * Kills the simulator (SIGKILL) and keeps its state, as a TPM module that stops answering: every command fails
     * until {@link #restart()}.
     */
    public synchronized void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts the same TPM again after {@link #kill()}: its state (persistent keys, EK), its ports, its TCTI. */
    public synchronized void restart() {
        if (process.isAlive()) {
            throw new IllegalStateException("swtpm is running");
        }
        try {
            process = launch(dir, port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restart swtpm in " + dir, e);
        }
    }

    /** The TCTI string for this TPM, for {@code TPM2TOOLS_TCTI} or a {@code -T} option. */
    public String tcti() {
        return "swtpm:host=127.0.0.1,port=" + port;
    }

    public LocalCa ca() {
        return ca;
    }

    /**
     * Runs a {@code tpm2-tools} command against this TPM (e.g. {@code "tpm2_getcap", "handles-persistent"})
     * in its folder, and flushes the transient objects it left loaded (swtpm has no resource manager, unlike the
     * kernel's {@code /dev/tpmrm0}; saved contexts and sessions stay usable by later commands).
     *
     * @return the exit status and the command's output (standard output and error together)
     */
    public Result tpm2(String... command) {
        List<String> cmd = new ArrayList<>(List.of(command));
        cmd.set(0, which(cmd.get(0), "tpm2-tools"));
        Result result = run(dir, Map.of("TPM2TOOLS_TCTI", tcti()), cmd.toArray(String[]::new));
        run(dir, Map.of("TPM2TOOLS_TCTI", tcti()), which("tpm2_flushcontext", "tpm2-tools"), "-t");
        return result;
    }

    /** The TPM's RSA EK certificate, as its maker wrote it into NV index 0x01c00002. */
    public java.security.cert.X509Certificate ekCertificate() {
        Path der = dir.resolve("ek-" + System.nanoTime() + ".der");
        Result read = tpm2("tpm2_nvread", "0x1c00002", "-o", der.toString());
        if (read.exit() != 0) {
            throw new IllegalStateException("cannot read the EK certificate: " + read.output());
        }
        try (var in = Files.newInputStream(der)) {
            return (java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("the EK certificate in NV is not X.509: " + e.getMessage(), e);
        }
    }

    /** A command's exit status and its output (standard output and error together). */
    public record Result(int exit, String output) {
    }

    public synchronized boolean isRunning() {
        return process.isAlive();
    }

    @Override
    public synchronized void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        deleteTree(dir.resolve("state"));
    }

    private static Result run(Path dir, Map<String, String> env, String... command) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
            pb.environment().putAll(env);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in 60 s");
            }
            if (p.exitValue() != 0 && command[0].endsWith("swtpm_setup")) {
                throw new IllegalStateException("swtpm_setup failed (" + p.exitValue() + "): " + out);
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command[0], e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String which(String tool, String debianPackage) {
        for (String d : List.of("/usr/bin", "/usr/local/bin", "/usr/sbin")) {
            Path p = Path.of(d, tool);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new IllegalStateException(tool + " is not installed: apt-get install " + debianPackage
                + " (the TPM tests need swtpm, swtpm-tools and tpm2-tools)");
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (var walk = Files.walk(root)) {
            List<Path> all = new ArrayList<>(walk.toList());
            Collections.reverse(all);
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a test's temp folder is removed by JUnit anyway
        }
    }
}
