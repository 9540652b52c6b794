package org.breathgate.receiver.app.bench;

import org.breathgate.receiver.app.Receiver;
import org.breathgate.receiver.app.config.ReceiverConfig;
import org.breathgate.testkit.TestKeys;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A receiver in a process of its own, so that its memory can be measured apart from the simulated
 * devices: started by {@link ReconnectStorm}, it enrolls the devices {@code prefix-00001…prefix-N}
 * (their {@code TestKeys}), prints {@code READY}, and answers lines on its standard input:
 * {@code stats}, {@code count} (evidence rows, each (device, seq) once), {@code quit}.
 *
 * <p>Arguments: broker URI, JDBC URL, data folder, device prefix, number of devices, the receiver's broker user name and
 * password file (the devices' logins are the broker's own: {@code broker.device-logins = manual}).
 */
public final class BenchReceiver {

    private BenchReceiver() {
    }

    public static void main(String[] args) throws Exception {
        String brokerUri = args[0];
        String jdbcUrl = args[1];
        String dataDir = args[2];
        String prefix = args[3];
        int devices = Integer.parseInt(args[4]);
        ReceiverConfig config = ReceiverConfig.from(Map.of(ReceiverConfig.BROKER_URI, brokerUri, ReceiverConfig.JDBC_URL, jdbcUrl,
                ReceiverConfig.DATA_DIR, dataDir, ReceiverConfig.MQTT_CLIENT_ID, "storm-receiver", ReceiverConfig.WEB_ENABLED, "false",
                ReceiverConfig.BROKER_DEVICE_LOGINS, "manual", ReceiverConfig.MQTT_USERNAME, args[5],
                ReceiverConfig.MQTT_PASSWORD_FILE, args[6]));
        try (Receiver receiver = Receiver.start(config, Clock.systemUTC(), List.of())) {
            if (!receiver.awaitReady(Duration.ofSeconds(60))) {
                throw new IllegalStateException("the receiver did not subscribe to " + brokerUri);
            }
            for (int d = 1; d <= devices; d++) {
                receiver.registry().enroll(TestKeys.device("%s-%05d".formatted(prefix, d)).verificationKey());
            }
            System.out.println("READY");
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                switch (line.trim()) {
                    case "stats" -> System.out.printf("STATS stored=%d duplicates=%d batches=%d mean_batch=%.1f acks=%d quarantined=%s%n",
                            receiver.stats().stored(), receiver.stats().duplicates(), receiver.stats().batches(),
                            receiver.stats().meanBatchSize(), receiver.stats().acksPublished(), receiver.stats().quarantined());
                    case "count" -> System.out.println("COUNT " + EvidenceCount.distinctReadings(receiver.database()));
                    case "quit" -> {
                        return;
                    }
                    default -> System.out.println("? " + line);
                }
                System.out.flush();
            }
        } finally {
            System.out.println("BYE");
            System.out.flush();
        }
    }
}
