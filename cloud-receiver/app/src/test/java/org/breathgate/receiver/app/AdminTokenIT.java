package org.breathgate.receiver.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.breathgate.receiver.app.config.ReceiverConfig;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.receiver.evidence.db.TestDatabases;
import org.breathgate.testkit.PinnedTls;
import org.breathgate.testkit.Ports;
import org.breathgate.testkit.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import picocli.CommandLine;

/**
 * The device listener's admin token (docs/receiver.md, "The admin token"): {@code breathgate-receiver admin-token} shows it
 * once; the receiver keeps only its SHA-256 (not in any file, not in the log); a new one replaces the old; it is retired
 * (403 {@code admin_token_retired}, and the command refuses) once an administrator account exists; an earlier version's
 * plaintext token file is turned into its hash and deleted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminTokenIT {

    private static final String PASSWORD = "kolme iloista kirahvia";
    private final TestDatabases databases = new TestDatabases();

    @AfterAll
    void close() {
        databases.close();
    }

    /** {@code breathgate-receiver <args>} in this JVM: exit code, standard output, standard error. */
    private record Run(int exit, String out, String err) {
    }

    private static Run cli(String stdin, String... args) {
        InputStream in = System.in;
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setIn(new ByteArrayInputStream((stdin == null ? "" : stdin).getBytes(StandardCharsets.UTF_8)));
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            CommandLine cl = new CommandLine(new ReceiverMain());
            cl.setOut(new java.io.PrintWriter(System.out, true));
            cl.setErr(new java.io.PrintWriter(System.err, true));
            int exit = cl.execute(args);
            return new Run(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setIn(in);
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void the_token_is_shown_once_kept_as_a_hash_replaced_and_retired_by_an_administrator() throws Exception {
        Path data = databases.newFolder();
        String jdbcUrl = databases.newUrl(Database.Dialect.SQLITE);
        TestCertificates brokerTls = TestCertificates.create(Files.createDirectories(databases.newFolder().resolve("tls")));
        Map<String, String> settings = new HashMap<>();
        settings.put(ReceiverConfig.DATA_DIR, data.toString());
        settings.put(ReceiverConfig.JDBC_URL, jdbcUrl);
        settings.put(ReceiverConfig.EMBEDDED_PORT, Integer.toString(Ports.free()));
        settings.put(ReceiverConfig.MQTT_CLIENT_ID, "admin-token-it");
        settings.put(ReceiverConfig.WEB_ENABLED, "false");
        settings.put(ReceiverConfig.DEVICE_API_ENABLED, "true");
        settings.put(ReceiverConfig.DEVICE_API_PORT, "0");
        settings.put(ReceiverConfig.ENROLLMENT_BROKER_URI, "ssl://broker.example.org:8883");
        settings.put(ReceiverConfig.ENROLLMENT_BROKER_CA_FILE, brokerTls.caCertificate().toString());
        String[] base = {"--data-dir", data.toString(), "--jdbc-url", jdbcUrl};

        // An earlier version's plaintext token file.
        String legacy = "legacy-token-0123456789abcdefghijklmnopqrstuv";
        Files.writeString(data.resolve("admin-token"), legacy + "\n");

        PrintStream err = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8)); // the receiver's log (slf4j-simple writes to stderr)
        String first;
        String second;
        try (Receiver receiver = Receiver.start(ReceiverConfig.from(settings), Clock.systemUTC(), List.of())) {
            HttpClient http = HttpClient.newBuilder().sslContext(PinnedTls.trusting(receiver.deviceApi().orElseThrow().identity().certificate()))
                    .connectTimeout(Duration.ofSeconds(5)).build();
            URI codes = receiver.deviceApiUrl().orElseThrow().resolve("/api/v1/enrollment-codes");
            assertFalse(Files.exists(data.resolve("admin-token")), "the plaintext file is gone");
            assertEquals(201, post(http, codes, legacy).statusCode(), "the earlier token still works, as its hash");

            Run made = cli(null, concat(base, "admin-token"));
            assertEquals(0, made.exit(), made.err());
            first = made.out().strip();
            assertTrue(first.matches("[A-Za-z0-9_-]{43}"), "256 random bits, base64url: " + first);
            assertTrue(made.err().contains("shown only now"), made.err());
            assertEquals(401, post(http, codes, legacy).statusCode(), "a new token replaces the old");
            assertEquals(201, post(http, codes, first).statusCode());

            Run again = cli(null, concat(base, "admin-token"));
            second = again.out().strip();
            assertEquals(401, post(http, codes, first).statusCode());
            assertEquals(201, post(http, codes, second).statusCode());

            assertEquals(0, cli(PASSWORD + "\n", concat(base, "people", "add-user", "--id", "ada", "--role", "administrator")).exit());
            HttpResponse<String> retired = post(http, codes, second);
            assertEquals(403, retired.statusCode(), retired.body());
            assertTrue(retired.body().contains("admin_token_retired"), retired.body());
            Run refused = cli(null, concat(base, "admin-token"));
            assertEquals(1, refused.exit());
            assertTrue(refused.err().contains("retired"), refused.err());
            assertEquals("", refused.out());
        } finally {
            System.setErr(err);
        }

        // Kept only as a hash: not in the database, not in any file, not in the log.
        try (Database database = Database.open(jdbcUrl)) {
            String stored = database.read(c -> {
                try (ResultSet rs = c.createStatement().executeQuery("select sha256 from ops_admin_token")) {
                    rs.next();
                    return rs.getString(1);
                }
            });
            assertEquals(64, stored.length(), "a SHA-256 in hex");
            assertFalse(stored.contains(second));
        }
        for (String token : List.of(legacy, first, second)) {
            assertFalse(log.toString(StandardCharsets.UTF_8).contains(token), "the log never holds a token");
            try (Stream<Path> files = Files.walk(data)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    assertFalse(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(token), "no file holds a token: " + f);
                }
            }
            try (Stream<Path> files = Files.list(Path.of(jdbcUrl.substring("jdbc:sqlite:".length())).getParent())) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    assertFalse(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(token), "the database never holds a token: " + f);
                }
            }
        }
    }

    private static HttpResponse<String> post(HttpClient http, URI url, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
