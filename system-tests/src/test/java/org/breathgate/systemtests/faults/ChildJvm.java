package org.breathgate.systemtests.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A main class of this test class path in a JVM of its own, its output appended to a log file, so a test
 * can kill it with SIGKILL ({@link #kill()}: no shutdown hook, no clean disconnect, as when power goes).
 */
final class ChildJvm implements AutoCloseable {

    private final Process process;
    private final Path log;
    private final String name;

    private ChildJvm(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    static ChildJvm start(String name, Path log, Class<?> main, List<String> args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx128m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
                "-cp", System.getProperty("java.class.path"), "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-Dorg.slf4j.simpleLogger.log.com.hivemq=warn", main.getName()));
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return new ChildJvm(name, p, log);
    }

    /** Waits until the log has a line matching {@code ready}; fails with the log if the process dies or time runs out. */
    void awaitLine(Predicate<String> ready, Duration timeout, long fromLine) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            List<String> lines = Files.readAllLines(log);
            for (int i = (int) fromLine; i < lines.size(); i++) {
                if (ready.test(lines.get(i))) {
                    return;
                }
            }
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + String.join("\n", lines));
            }
            Thread.sleep(50);
        }
        throw new AssertionError(name + " not ready within " + timeout.toSeconds() + " s:\n" + Files.readString(log));
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL, and waits for the process to be gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new AssertionError(name + " (pid " + process.pid() + ") survived SIGKILL for 10 s");
        }
    }

    static long lineCount(Path log) throws IOException {
        return Files.exists(log) ? Files.readAllLines(log).size() : 0;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}
