package org.breathgate.agent.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Runs {@code breathgate-agent} in this JVM as a technician would, with typed answers on standard input. */
final class Cli {

    record Run(int exitCode, String out, String err) {
        String all() {
            return out + err;
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private Cli() {
    }

    static Run run(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = AgentCli.execute(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Every file under the folders with its mode and a hash of its content: to show a device was left unchanged. */
    static Map<String, String> snapshot(Path... dirs) throws IOException {
        Map<String, String> out = new TreeMap<>();
        for (Path dir : dirs) {
            if (!Files.exists(dir)) {
                out.put(dir.toString(), "absent");
                continue;
            }
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.toList()) {
                    String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(f));
                    String hash = Files.isRegularFile(f) ? sha256(Files.readAllBytes(f)) : "dir";
                    out.put(f.toString(), mode + " " + hash);
                }
            }
        }
        return out;
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
