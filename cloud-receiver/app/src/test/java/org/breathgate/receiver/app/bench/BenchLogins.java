package org.breathgate.receiver.app.bench;

import org.breathgate.receiver.ingest.broker.DeviceLogins;
import org.breathgate.testkit.MosquittoBroker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Broker logins for the benchmarks, as a deployment has them: no anonymous client anywhere. Each device logs in with
 * its device id as user name and client id and a password of its own; the receivers (and the raw runs' subscribers, which
 * stand in for them) as {@code receiver}.
 *
 * <ul>
 *   <li>Mosquitto: a password file with every login and the shipped topic ACL ({@code config/mosquitto/acl}), i.e.
 *       {@code broker.device-logins = manual}, the receiver logging in with {@code mqtt.username} and
 *       {@code mqtt.password-file};</li>
 *   <li>the embedded HiveMQ: its own guard, the devices' logins from the registry ({@code brokerLogins().issue}) for a
 *       receiver's broker, or from {@link #deviceLogins()} for a raw run's broker.</li>
 * </ul>
 */
final class BenchLogins {

    /** The user name of the receivers on either broker. */
    static final String RECEIVER = "receiver";

    private final SecureRandom random = new SecureRandom();
    private final Map<String, String> passwords = new ConcurrentHashMap<>();
    private final String receiverPassword = secret();

    /** A login for each of these devices (device id = user name). */
    BenchLogins add(Collection<String> deviceIds) {
        deviceIds.forEach(id -> passwords.put(id, secret()));
        return this;
    }

    String receiverPassword() {
        return receiverPassword;
    }

    /** The devices' logins as {@link BenchFleet} wants them: {user, password}. */
    Function<String, String[]> forDevices() {
        return id -> {
            String password = passwords.get(id);
            if (password == null) {
                throw new IllegalStateException("no broker login made for " + id);
            }
            return new String[]{id, password};
        };
    }

    /** Mosquitto with every login of this set in its password file and the shipped ACL; anonymous clients refused. */
    MosquittoBroker.Options mosquitto(MosquittoBroker.Options options) {
        MosquittoBroker.Options with = options.withUser(RECEIVER, receiverPassword).withAcl(shippedAcl());
        for (Map.Entry<String, String> login : passwords.entrySet()) {
            with = with.withUser(login.getKey(), login.getValue());
        }
        return with;
    }

    /** The receivers' password in a file of its own ({@code mqtt.password-file}). */
    Path receiverPasswordFile(Path dir) {
        try {
            return Files.writeString(dir.resolve("receiver-mqtt-password"), receiverPassword);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** These logins as the embedded broker's port to a registry (nothing ever changes). */
    DeviceLogins deviceLogins() {
        return new DeviceLogins() {
            @Override
            public Optional<String> check(String username, String password) {
                return password.equals(passwords.get(username)) ? Optional.of("1") : Optional.empty();
            }

            @Override
            public Optional<String> currentVersion(String deviceId) {
                return passwords.containsKey(deviceId) ? Optional.of("1") : Optional.empty();
            }

            @Override
            public long position() {
                return 0;
            }

            @Override
            public Changes changedAfter(long position) {
                return new Changes(position, java.util.Set.of());
            }
        };
    }

    /** config/mosquitto/acl, as shipped (the benchmark runs from its module's folder or the root). */
    static String shippedAcl() {
        for (Path candidate : new Path[]{Path.of("config/mosquitto/acl"), Path.of("../../config/mosquitto/acl")}) {
            if (Files.isRegularFile(candidate)) {
                try {
                    return Files.readString(candidate);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        throw new IllegalStateException("config/mosquitto/acl not found from " + Path.of("").toAbsolutePath());
    }

    private String secret() {
        byte[] bytes = new byte[18];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
