package org.breathgate.receiver.app;

import org.breathgate.receiver.app.config.ReceiverConfig;
import org.breathgate.receiver.evidence.device.BrokerLogins;
import org.breathgate.receiver.ingest.broker.BrokerAccounts;
import org.breathgate.receiver.ingest.broker.DeviceLogins;
import org.breathgate.receiver.ingest.broker.MosquittoDynamicSecurity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The ports between the evidence room's device logins and ingest's brokers: the embedded broker reads logins from the
 * registry ({@link #registryLogins}); an external Mosquitto is told through its dynamic security plugin
 * ({@link #accounts}); the admin commands tell the broker the same way ({@link #accountsForCommand}).
 */
final class BrokerSetup {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerSetup.class);
    /** Change log entries read per look: a burst larger than this is read over several looks. */
    private static final int CHANGES_PER_LOOK = 1_000;

    private BrokerSetup() {
    }

    /** The embedded broker's view of the registry's logins. */
    static DeviceLogins registryLogins(BrokerLogins logins) {
        return new DeviceLogins() {
            @Override
            public java.util.Optional<String> check(String username, String password) {
                return logins.check(username, password);
            }

            @Override
            public java.util.Optional<String> currentVersion(String deviceId) {
                return logins.currentVersion(deviceId);
            }

            @Override
            public long position() {
                return logins.lastChangeId();
            }

            @Override
            public Changes changedAfter(long position) {
                List<BrokerLogins.Change> changes = logins.changesAfter(position, CHANGES_PER_LOOK);
                Set<String> devices = new HashSet<>();
                long last = position;
                for (BrokerLogins.Change change : changes) {
                    devices.add(change.deviceId());
                    last = change.id();
                }
                return new Changes(last, devices);
            }
        };
    }

    /**
     * What the running receiver tells an external broker. With Mosquitto's dynamic security plugin, the receivers' role is
     * set up and logins of devices no longer active are removed (a revocation whose broker update failed): now, or if the
     * broker does not answer, in the background every 10 s until it does; that thread is added to {@code started} so the
     * receiver stops it.
     */
    static BrokerAccounts accounts(ReceiverConfig config, BrokerLogins logins, List<AutoCloseable> started) {
        if (config.broker().deviceLogins() != ReceiverConfig.DeviceLogins.MOSQUITTO_DYNAMIC_SECURITY) {
            LOG.info("{} = manual: device logins at {} are kept by its own tooling, not by the receiver", ReceiverConfig.BROKER_DEVICE_LOGINS,
                    config.broker().uri());
            return BrokerAccounts.none();
        }
        MosquittoDynamicSecurity dynsec = dynamicSecurity(config);
        ScheduledExecutorService setUp = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "broker-accounts-setup");
            t.setDaemon(true);
            return t;
        });
        started.add(setUp::shutdownNow);
        Runnable attempt = new Runnable() {
            @Override
            public void run() {
                try {
                    dynsec.setUp();
                    List<String> removed = dynsec.removeAllBut(Set.copyOf(logins.devicesWithLogins()));
                    if (!removed.isEmpty()) {
                        LOG.warn("removed the Mosquitto logins of {} device(s) no longer active: {}", removed.size(), removed);
                    }
                } catch (BrokerAccounts.BrokerAccountsException e) {
                    LOG.error("setting up Mosquitto's dynamic security failed: {}; trying again in 10 s", e.getMessage());
                    setUp.schedule(this, 10, TimeUnit.SECONDS);
                }
            }
        };
        attempt.run(); // at once when the broker is up, so acks can go out from the start; else in the background
        return dynsec;
    }

    /** What an admin command (another process) tells the broker: Mosquitto's plugin directly; the embedded broker reads the registry. */
    static BrokerAccounts accountsForCommand(ReceiverConfig config) {
        if (config.broker().deviceLogins() == ReceiverConfig.DeviceLogins.MOSQUITTO_DYNAMIC_SECURITY) {
            return dynamicSecurity(config);
        }
        return BrokerAccounts.none();
    }

    private static MosquittoDynamicSecurity dynamicSecurity(ReceiverConfig config) {
        return new MosquittoDynamicSecurity(new MosquittoDynamicSecurity.Connection(config.broker().uri(), config.mqtt().clientId(),
                config.mqtt().username(), config.mqtt().readPassword(), config.mqtt().caFile() == null ? null : Receiver.trusting(config)));
    }
}
