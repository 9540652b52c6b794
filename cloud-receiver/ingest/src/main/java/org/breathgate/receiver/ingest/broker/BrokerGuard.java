package org.breathgate.receiver.ingest.broker;

import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.async.Async;
import com.hivemq.extension.sdk.api.async.TimeoutFallback;
import com.hivemq.extension.sdk.api.auth.PublishAuthorizer;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.auth.SubscriptionAuthorizer;
import com.hivemq.extension.sdk.api.auth.parameter.PublishAuthorizerInput;
import com.hivemq.extension.sdk.api.auth.parameter.PublishAuthorizerOutput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthInput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthOutput;
import com.hivemq.extension.sdk.api.auth.parameter.SubscriptionAuthorizerInput;
import com.hivemq.extension.sdk.api.auth.parameter.SubscriptionAuthorizerOutput;
import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import com.hivemq.extension.sdk.api.packets.connect.ConnectPacket;
import com.hivemq.extension.sdk.api.packets.connect.WillPublishPacket;
import com.hivemq.extension.sdk.api.packets.disconnect.DisconnectReasonCode;
import com.hivemq.extension.sdk.api.packets.publish.AckReasonCode;
import com.hivemq.extension.sdk.api.packets.subscribe.SubackReasonCode;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import com.hivemq.extension.sdk.api.services.session.ClientService;
import org.breathgate.protocol.DeviceIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The embedded broker's door, as a HiveMQ embedded extension: who may connect (every client logs in; a device as itself,
 * with its device id as client id; the receivers as {@code receiver}), who may publish and subscribe where
 * ({@link TopicRules}), and a watch over the device registry's login changes that disconnects a device whose session
 * rests on a login since replaced or removed (a revoked device is gone within {@link #WATCH_EVERY} plus a disconnect); a
 * device that already logged in with its new login stays.
 *
 * <p>Logins are checked on a small pool of its own ({@code broker-login-N}), never on HiveMQ's network threads: a check
 * reads the database and hashes the password.
 */
final class BrokerGuard implements ExtensionMain {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerGuard.class);

    /** How often the watch reads the login change log: well within the promised second. */
    static final Duration WATCH_EVERY = Duration.ofMillis(200);
    /** A login check that takes longer than this fails (the device retries). */
    static final Duration CHECK_TIMEOUT = Duration.ofSeconds(10);
    /** Connects waiting for a login check at most; beyond this a connect is refused as busy (a reconnect storm). */
    static final int CHECK_QUEUE = 1_000;

    private static final String IDENTITY = "breathgate.identity";

    private final DeviceLogins logins;
    private final byte[] receiverPassword;
    private final ExecutorService checks;
    private final Thread watch;
    private volatile ClientService clients;
    /** Device id -> the login version its latest session logged in with. */
    private final java.util.Map<String, String> sessions = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean running = true;
    private final Object wakeUp = new Object();
    private boolean wakePending;

    /**
     * @param logins           the device registry's logins
     * @param receiverPassword the password of the user {@code receiver} (this broker's receivers)
     */
    BrokerGuard(DeviceLogins logins, String receiverPassword) {
        this.logins = Objects.requireNonNull(logins, "logins");
        this.receiverPassword = Objects.requireNonNull(receiverPassword, "receiverPassword").getBytes(StandardCharsets.UTF_8);
        AtomicInteger n = new AtomicInteger();
        this.checks = new ThreadPoolExecutor(2, 2, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(CHECK_QUEUE), r -> {
            Thread t = new Thread(r, "broker-login-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
        this.watch = new Thread(this::watchLogins, "broker-login-watch");
        this.watch.setDaemon(true);
    }

    @Override
    public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
        // Taken now, while this broker is the one starting: HiveMQ's Services are static per class loader.
        clients = Services.clientService();
        Services.securityRegistry().setAuthenticatorProvider(in -> (SimpleAuthenticator) this::authenticate);
        Services.securityRegistry().setAuthorizerProvider(in -> new Authorizer());
        watch.start();
    }

    @Override
    public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {
        close();
    }

    /** Reads the change log now rather than at the next tick (the receiver just changed a login). */
    void wake() {
        synchronized (wakeUp) {
            wakePending = true;
            wakeUp.notifyAll();
        }
    }

    void close() {
        running = false;
        wake();
        checks.shutdownNow();
    }

    // ---------------------------------------------------------------- connect

    private void authenticate(SimpleAuthInput input, SimpleAuthOutput output) {
        ConnectPacket connect = input.getConnectPacket();
        Optional<String> user = connect.getUserName();
        Optional<ByteBuffer> password = connect.getPassword();
        if (user.isEmpty() || password.isEmpty()) {
            output.failAuthentication(ConnackReasonCode.NOT_AUTHORIZED, "anonymous clients are refused: log in with your broker login");
            return;
        }
        Async<SimpleAuthOutput> async = output.async(CHECK_TIMEOUT, TimeoutFallback.FAILURE, ConnackReasonCode.SERVER_BUSY,
                "the login check took too long");
        byte[] secret = bytes(password.get());
        try {
            checks.execute(() -> {
                try {
                    decide(input, output, connect, user.get(), secret);
                } catch (RuntimeException e) {
                    LOG.error("checking the broker login of {} failed: {}", user.get(), e.getMessage(), e);
                    output.failAuthentication(ConnackReasonCode.SERVER_UNAVAILABLE, "the login could not be checked");
                } finally {
                    async.resume();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            output.failAuthentication(ConnackReasonCode.SERVER_BUSY, "too many connects at once; retry later");
            async.resume();
        }
    }

    private void decide(SimpleAuthInput input, SimpleAuthOutput output, ConnectPacket connect, String user, byte[] secret) {
        String clientId = connect.getClientId();
        BrokerIdentity identity;
        if (user.equals(EmbeddedMqttBroker.RECEIVER_USERNAME)) {
            if (!MessageDigest.isEqual(secret, receiverPassword)) {
                output.failAuthentication(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD, "bad user name or password");
                return;
            }
            identity = new BrokerIdentity.Receiver();
        } else {
            Optional<String> version = DeviceIds.isValid(user) ? logins.check(user, new String(secret, StandardCharsets.UTF_8))
                    : Optional.empty();
            if (version.isEmpty()) {
                output.failAuthentication(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD, "bad user name or password");
                return;
            }
            if (!user.equals(clientId)) {
                // Nobody takes another's client id (and so its session): a device's client id is its login.
                output.failAuthentication(ConnackReasonCode.CLIENT_IDENTIFIER_NOT_VALID,
                        "a device's client id must be its device id, " + user);
                return;
            }
            identity = new BrokerIdentity.Device(user);
            sessions.put(user, version.get());
        }
        Optional<WillPublishPacket> will = connect.getWillPublish();
        if (will.isPresent() && !TopicRules.mayPublish(identity, will.get().getTopic(), will.get().getRetain())) {
            output.failAuthentication(ConnackReasonCode.NOT_AUTHORIZED, "the last will's topic is not yours");
            return;
        }
        input.getConnectionInformation().getConnectionAttributeStore().putAsString(IDENTITY, identity.tag());
        output.authenticateSuccessfully();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.asReadOnlyBuffer();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }

    // ---------------------------------------------------------------- publish, subscribe

    private static BrokerIdentity identityOf(com.hivemq.extension.sdk.api.parameter.ClientBasedInput input) {
        return input.getConnectionInformation().getConnectionAttributeStore().getAsString(IDENTITY).map(BrokerIdentity::fromTag)
                .orElse(null);
    }

    private static final class Authorizer implements PublishAuthorizer, SubscriptionAuthorizer {
        @Override
        public void authorizePublish(PublishAuthorizerInput input, PublishAuthorizerOutput output) {
            BrokerIdentity who = identityOf(input);
            String topic = input.getPublishPacket().getTopic();
            if (who != null && TopicRules.mayPublish(who, topic, input.getPublishPacket().getRetain())) {
                output.authorizeSuccessfully();
            } else {
                LOG.debug("refused: {} publishing on {}", input.getClientInformation().getClientId(), topic);
                output.failAuthorization(AckReasonCode.NOT_AUTHORIZED, "not your topic");
            }
        }

        @Override
        public void authorizeSubscribe(SubscriptionAuthorizerInput input, SubscriptionAuthorizerOutput output) {
            BrokerIdentity who = identityOf(input);
            String filter = input.getSubscription().getTopicFilter();
            if (who != null && TopicRules.maySubscribe(who, filter)) {
                output.authorizeSuccessfully();
            } else {
                LOG.debug("refused: {} subscribing to {}", input.getClientInformation().getClientId(), filter);
                output.failAuthorization(SubackReasonCode.NOT_AUTHORIZED, "not your topic");
            }
        }
    }

    // ---------------------------------------------------------------- the login watch

    private void watchLogins() {
        long position;
        try {
            position = logins.position();
        } catch (RuntimeException e) {
            LOG.error("cannot read the broker login changes ({}); the watch starts from the next change it can read", e.getMessage());
            position = Long.MAX_VALUE;
        }
        while (running) {
            try {
                if (position == Long.MAX_VALUE) {
                    position = logins.position();
                }
                DeviceLogins.Changes changes = logins.changedAfter(position);
                position = changes.position();
                for (String device : changes.deviceIds()) {
                    String used = sessions.get(device);
                    if (used != null && logins.currentVersion(device).map(used::equals).orElse(false)) {
                        continue; // logged in with the new login already
                    }
                    // A device's client id is its device id: its session is found by it.
                    clients.disconnectClient(device, false, DisconnectReasonCode.NOT_AUTHORIZED, "your broker login changed or was revoked")
                            .whenComplete((was, failure) -> {
                                if (Boolean.TRUE.equals(was)) {
                                    LOG.info("disconnected {}: its broker login changed or was revoked", device);
                                }
                            });
                }
            } catch (RuntimeException e) {
                LOG.error("reading the broker login changes failed: {}; trying again", e.getMessage());
            }
            synchronized (wakeUp) {
                if (!wakePending && running) {
                    try {
                        wakeUp.wait(WATCH_EVERY.toMillis());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                wakePending = false;
            }
        }
    }
}
