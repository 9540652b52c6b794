package org.breathgate.agent.tpm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * One TPM 2.0, reached through Debian's {@code tpm2-tools} (the tpm2-software project's reference
 * command line over its TSS): the agent never encodes a TPM command itself. Every command runs with
 * the TCTI this object was made with ({@code device:/dev/tpmrm0} on a Pi, through the kernel's
 * resource manager; {@code swtpm:host=127.0.0.1,port=N} in tests), in a private working folder
 * (0700) for the files the tools read and write, and within a time limit.
 *
 * <p>Why the command line and not PKCS#11: tpm2-pkcs11 takes its store and TCTI only from the
 * process environment (fixed for a JVM's life) and sees only tokens present when it is initialised;
 * SunPKCS11 shows a private key only with a certificate beside it; and tpm2-pkcs11 keeps a TPM-wrapped
 * copy of each key in its store, so deleting a key there does not destroy it. A persistent key used
 * through tpm2-tools is destroyed by one TPM2_EvictControl, and the same tools do the attestation that
 * PKCS#11 cannot express. Signing costs a process start (tens of milliseconds): measured in
 * {@code TpmKeyIT} and docs/benchmarks.md, far within the agent's schedule.
 *
 * <p>Thread-safe: commands are serialised, as the TPM serialises them anyway.
 */
public final class Tpm2Tools implements AutoCloseable {

    /** The TPM of a Raspberry Pi with a TPM module, through the kernel's resource manager. */
    public static final String DEFAULT_TCTI = "device:/dev/tpmrm0";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /**
     * The time limit of one signature: a TPM signs in well under a second (tens of milliseconds with the process
     * start); a tool that has not finished in 10 s is stuck (a TPM or resource manager that does not answer) and is
     * killed, so that a hung TPM holds up the agent thread for no longer than this.
     */
    static final Duration SIGN_TIMEOUT = Duration.ofSeconds(10);

    private final String tcti;
    private final Path work;
    /** swtpm (and mssim) have no resource manager: transient objects a tool leaves loaded must be flushed. */
    private final boolean flushTransients;

    public Tpm2Tools(String tcti) throws TpmException {
        this.tcti = Objects.requireNonNull(tcti, "tcti");
        if (!tcti.matches("[a-z]+(:[A-Za-z0-9_./=,:-]*)?")) {
            throw new TpmException("the TPM connection '" + tcti + "' is not a TCTI like device:/dev/tpmrm0");
        }
        this.flushTransients = tcti.startsWith("swtpm") || tcti.startsWith("mssim");
        try {
            this.work = Files.createTempDirectory("breathgate-tpm-", PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
            work.toFile().deleteOnExit(); // empty between commands; the daemon's key lives as long as the JVM
        } catch (IOException e) {
            throw new TpmException("cannot make a private working folder for the TPM tools: " + e.getMessage(), e);
        }
    }

    public String tcti() {
        return tcti;
    }

    /** The private working folder; tools read and write their files here. */
    Path work() {
        return work;
    }

    /** A command's exit status and output (standard output and error together). */
    record Result(int exit, String output) {
    }

    /** Runs {@code tpm2_<tool> args...}; a non-zero exit is a {@link TpmException} saying what failed. */
    synchronized String run(String what, String... command) throws TpmException {
        return run(TIMEOUT, what, command);
    }

    /** As {@link #run(String, String...)} within {@code timeout}. */
    synchronized String run(Duration timeout, String what, String... command) throws TpmException {
        Result r = exec(timeout, command);
        if (flushTransients) {
            exec(timeout, "tpm2_flushcontext", "-t");
        }
        if (r.exit() != 0) {
            throw new TpmException(what + " failed (" + command[0] + " exit " + r.exit() + "): " + lastLines(r.output())
                    + hint(r.output()));
        }
        return r.output();
    }

    /** As {@link #run} but returns a failure instead of throwing it. */
    synchronized Result tryRun(String... command) throws TpmException {
        Result r = exec(TIMEOUT, command);
        if (flushTransients) {
            exec(TIMEOUT, "tpm2_flushcontext", "-t");
        }
        return r;
    }

    /**
     * Runs a tool with its output going to a file, so that the time limit holds even when the tool hangs without
     * closing its output (reading a pipe to its end would wait for ever); a tool over its limit is killed.
     */
    private Result exec(Duration timeout, String... command) throws TpmException {
        List<String> cmd = new ArrayList<>(List.of(command));
        cmd.set(0, which(cmd.get(0)));
        Path out = work.resolve("tool.out");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("TPM2TOOLS_TCTI", tcti);
        try {
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                throw new TpmException(command[0] + " did not finish within " + timeout.toSeconds() + " s and was stopped: the TPM ("
                        + tcti + ") or its resource manager is not answering. Check the module and 'sudo breathgate-agent doctor'");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new TpmException("cannot run " + command[0] + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TpmException("interrupted while " + command[0] + " ran", e);
        } finally {
            try {
                Files.deleteIfExists(out);
            } catch (IOException e) {
                // overwritten by the next command
            }
        }
    }

    private static String which(String tool) throws TpmException {
        for (String d : List.of("/usr/bin", "/usr/local/bin")) {
            Path p = Path.of(d, tool);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new TpmException(tool + " is not installed: sudo apt-get install tpm2-tools");
    }

    private static String lastLines(String output) {
        List<String> lines = new ArrayList<>(output.strip().lines().toList());
        Collections.reverse(lines);
        List<String> last = new ArrayList<>(lines.subList(0, Math.min(3, lines.size())));
        Collections.reverse(last);
        return String.join(" | ", last);
    }

    /** Whether a tool's output says the TPM could not be reached at all (rather than that it refused something). */
    static boolean unreachable(String output) {
        return output.contains("Could not load tcti") || output.contains("Failed to connect") || output.contains("No such file")
                || output.contains("Connection refused") || output.contains("tcti_init");
    }

    private String hint(String output) {
        if (unreachable(output)) {
            return ". The TPM is not reachable through " + tcti + ": check the module and dtoverlay=tpm-slb9670 (docs/hardware.md),"
                    + " and that the agent's user is in the 'tss' group";
        }
        if (output.contains("0x922") || output.contains("0x923") || output.contains("0x901") || output.toLowerCase(java.util.Locale.ROOT)
                .contains("retry")) {
            return ". The TPM was busy (its resource manager or another user of the TPM); the agent tries again";
        }
        if (output.contains("authorization") || output.contains("0x9a2") || output.contains("0x98e")) {
            return ". The TPM refused the authorisation: the key's secret in the key file does not match the key in the TPM";
        }
        return "";
    }

    /** Writes {@code bytes} to a file in the private working folder and returns its name. */
    synchronized Path write(String name, byte[] bytes) throws TpmException {
        try {
            Path p = work.resolve(name);
            Files.write(p, bytes);
            return p;
        } catch (IOException e) {
            throw new TpmException("cannot write " + name + " in " + work + ": " + e.getMessage(), e);
        }
    }

    /** Reads and deletes a file the tools wrote in the working folder. */
    synchronized byte[] take(String name) throws TpmException {
        try {
            Path p = work.resolve(name);
            byte[] b = Files.readAllBytes(p);
            Files.delete(p);
            return b;
        } catch (IOException e) {
            throw new TpmException("the TPM tools did not write " + name + ": " + e.getMessage(), e);
        }
    }

    /** Deletes a file in the working folder, if there. */
    synchronized void delete(String name) {
        try {
            Files.deleteIfExists(work.resolve(name));
        } catch (IOException e) {
            // the folder is removed on close
        }
    }

    /** The persistent handles in use, e.g. {@code 0x81000001}. */
    List<Integer> persistentHandles() throws TpmException {
        String out = run("Listing the TPM's persistent keys", "tpm2_getcap", "handles-persistent");
        List<Integer> handles = new ArrayList<>();
        for (String line : out.lines().toList()) {
            String t = line.strip();
            if (t.startsWith("- 0x")) {
                handles.add(Integer.parseUnsignedInt(t.substring(4), 16));
            }
        }
        return handles;
    }

    static String hex(int handle) {
        return String.format("0x%08x", handle);
    }

    @Override
    public synchronized void close() {
        try (var files = Files.list(work)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(work);
        } catch (IOException e) {
            // a temp folder left behind holds no secret that outlives the TPM's own protection
        }
    }
}
