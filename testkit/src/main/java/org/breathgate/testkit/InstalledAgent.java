package org.breathgate.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The device agent as its Debian package installs it, in a folder instead of on a Pi: {@code packaging/install.sh}
 * is run with {@code DESTDIR}, which unpacks {@code breathgate-agent_VERSION_all.deb} there and runs the package's
 * own {@code prepare-device.sh} as its postinst does (the native libraries it unpacks for the chosen processor, the
 * systemd unit with the flags that JVM takes, the class-data sharing archive it makes with the {@code java} on its
 * {@code PATH}); {@link #command} gives the unit's own {@code ExecStart} with the installed paths moved into that
 * folder. Benchmarks and tests that run "the agent as installed" take the JVM flags from the unit this way, so there
 * is one home for them: {@code packaging/deb/agent/breathgate-agent.service.in}.
 *
 * <p>No user is created and nothing is chowned or started ({@code DESTDIR} mode of the script).
 */
public final class InstalledAgent {

    /** Where install.sh puts the agent by default, as the unit names it. */
    public static final String PREFIX = "/opt/breathgate";
    private static final String STATE = "/var/lib/breathgate";
    private static final String CONFIG = "/etc/breathgate/agent.properties";

    private final Path destdir;
    private final List<String> execStart;
    private final Map<String, String> environment;
    private final String installLog;

    private InstalledAgent(Path destdir, List<String> execStart, Map<String, String> environment, String installLog) {
        this.destdir = destdir;
        this.execStart = List.copyOf(execStart);
        this.environment = Map.copyOf(environment);
        this.installLog = installLog;
    }

    /**
     * The agent's package beside its shaded jar (both made in device-agent's package phase).
     *
     * @param agentJar {@code device-agent/target/breathgate-agent.jar}
     * @throws IllegalStateException if there is none
     */
    public static Path debBeside(Path agentJar) {
        try (var files = Files.list(agentJar.toAbsolutePath().getParent())) {
            return files.filter(f -> f.getFileName().toString().matches("breathgate-agent_.+_all\\.deb")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no breathgate-agent_VERSION_all.deb beside " + agentJar
                            + ": build it with mvn -pl device-agent -am package"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs {@code packaging/install.sh --deb DEB --arch ARCH} with {@code DESTDIR=destdir}.
     *
     * @param repositoryRoot the checkout (where {@code packaging/} is)
     * @param deb            the agent's package, {@code device-agent/target/breathgate-agent_VERSION_all.deb}
     * @param arch           install.sh's {@code --arch}: {@code aarch64}, {@code armv7l}, {@code x86_64}
     * @param environment    added to the script's environment (e.g. a {@code PATH} whose {@code java} is another
     *                       processor's JVM, so the archive is made by the JVM that will run it)
     */
    public static InstalledAgent install(Path repositoryRoot, Path deb, Path destdir, String arch, Map<String, String> environment) {
        try {
            ProcessBuilder pb = new ProcessBuilder("sh", repositoryRoot.resolve("packaging/install.sh").toString(), "--deb", deb.toString(),
                    "--arch", arch).redirectErrorStream(true);
            pb.environment().putAll(environment);
            pb.environment().put("DESTDIR", destdir.toString());
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("install.sh failed:\n" + out);
            }
            Path unit = destdir.resolve("etc/systemd/system/breathgate-agent.service");
            List<String> execStart = new ArrayList<>();
            Map<String, String> env = new LinkedHashMap<>();
            StringBuilder line = null;
            boolean execStartDone = false;
            for (String raw : Files.readAllLines(unit)) {
                String l = raw.strip();
                if (line == null || execStartDone) {
                    if (l.startsWith("Environment=")) {
                        for (String kv : l.substring("Environment=".length()).split("\\s+")) {
                            int eq = kv.indexOf('=');
                            env.put(kv.substring(0, eq), kv.substring(eq + 1));
                        }
                        continue;
                    }
                    if (execStartDone || !l.startsWith("ExecStart=")) {
                        continue;
                    }
                    line = new StringBuilder(l.substring("ExecStart=".length()));
                } else {
                    line.append(' ').append(l);
                }
                if (!l.endsWith("\\")) {
                    execStartDone = true;
                    continue;
                }
                line.setLength(line.length() - 1); // the continuation's backslash
            }
            if (line == null) {
                throw new IllegalStateException("no ExecStart in " + unit);
            }
            for (String word : line.toString().strip().split("\\s+")) {
                execStart.add(word);
            }
            return new InstalledAgent(destdir, execStart, env, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while install.sh ran", e);
        }
    }

    /** The installed folder ({@code DESTDIR}). */
    public Path destdir() {
        return destdir;
    }

    /** A path of the installation, e.g. {@code installed("/opt/breathgate/native/sqlite")}. */
    public Path installed(String absolutePath) {
        return destdir.resolve(absolutePath.substring(1));
    }

    /** What install.sh printed. */
    public String installLog() {
        return installLog;
    }

    /** The unit's JVM flags (everything between the {@code java} executable and {@code -jar}), as the unit has them. */
    public List<String> unitJvmFlags() {
        return execStart.subList(1, execStart.indexOf("-jar"));
    }

    /** The unit's {@code Environment=} settings. */
    public Map<String, String> environment() {
        return environment;
    }

    /**
     * The unit's command line, with {@code java} replaced by {@code javaLauncher} (e.g. an emulator and a JVM),
     * the installed paths moved into {@link #destdir()}, {@code --config} pointing at {@code config}, and
     * {@code extraJvmFlags} added after the unit's flags (so they win).
     */
    public List<String> command(List<String> javaLauncher, Path config, List<String> extraJvmFlags) {
        List<String> c = new ArrayList<>(javaLauncher);
        int jar = execStart.indexOf("-jar");
        for (String word : execStart.subList(1, jar)) {
            c.add(moved(word));
        }
        c.addAll(extraJvmFlags);
        for (String word : execStart.subList(jar, execStart.size())) {
            c.add(word.equals(CONFIG) ? config.toString() : moved(word));
        }
        return c;
    }

    private String moved(String word) {
        return word.replace(PREFIX, installed(PREFIX).toString()).replace(STATE, installed(STATE).toString());
    }
}
