package org.breathgate.receiver.ingest.broker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.breathgate.protocol.DeviceIds;
import org.breathgate.protocol.Topics;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.SocketFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Drives Mosquitto 2's dynamic security plugin ({@code mosquitto_dynamic_security.so}) over
 * {@value #CONTROL_TOPIC}, so that Mosquitto knows every device's login the moment the receiver makes or removes it, with
 * no file edited by hand:
 * <ul>
 *   <li>per device: a role {@code breathgate-device-<id>} allowing publish on its own {@code up/+} and subscribe to its
 *       own {@code down/+}, and a client (user name = device id) bound to client id = device id, so no login can take
 *       another's client id; nothing else is allowed (the plugin's default: publish and subscribe denied);</li>
 *   <li>for the receivers: a role {@value #RECEIVER_ROLE} (every uplink, through the shared subscription, and every
 *       downlink), added to the receiver's own user, which is the plugin's admin ({@code mosquitto_ctrl dynsec init});</li>
 *   <li>removing a device deletes its client, which Mosquitto also disconnects.</li>
 * </ul>
 * Each call opens a short MQTT connection of its own with the receiver's login (client id {@code <id>-dynsec-<random>}),
 * sends one batch of commands and waits for the plugin's answer. Thread-safe.
 */
public final class MosquittoDynamicSecurity implements BrokerAccounts {

    private static final Logger LOG = LoggerFactory.getLogger(MosquittoDynamicSecurity.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where commands go. */
    public static final String CONTROL_TOPIC = "$CONTROL/dynamic-security/v1";
    /** Where the plugin answers. */
    public static final String RESPONSE_TOPIC = CONTROL_TOPIC + "/response";
    /** The receivers' role. */
    public static final String RECEIVER_ROLE = "breathgate-receiver";
    /** Every device's own role is this and its device id. */
    public static final String DEVICE_ROLE_PREFIX = "breathgate-device-";
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);

    /**
     * How to reach the broker as its dynamic-security admin.
     *
     * @param brokerUri     {@code tcp://} or {@code ssl://}
     * @param clientId      the receiver's client id; the control connection adds {@code -dynsec-<random>}
     * @param username      the admin's user name (the receiver's login)
     * @param password      its password
     * @param socketFactory for {@code ssl://} with a CA of its own, or null
     */
    public record Connection(String brokerUri, String clientId, String username, String password, SocketFactory socketFactory) {
        public Connection {
            Objects.requireNonNull(brokerUri, "brokerUri");
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(password, "password");
        }
    }

    private final Connection connection;
    private final SecureRandom random = new SecureRandom();

    public MosquittoDynamicSecurity(Connection connection) {
        this.connection = Objects.requireNonNull(connection, "connection");
    }

    /**
     * Makes sure the receivers' role exists with its rights and belongs to the receiver's user; run at every start
     * (idempotent).
     */
    public void setUp() {
        List<ObjectNode> commands = new ArrayList<>();
        commands.add(command("createRole").put("rolename", RECEIVER_ROLE).put("textname", "Breathgate receivers"));
        commands.add(acl(RECEIVER_ROLE, "subscribePattern", Topics.RECEIVER_SHARED_SUBSCRIPTION));
        commands.add(acl(RECEIVER_ROLE, "subscribePattern", Topics.ALL_UPLINK));
        commands.add(acl(RECEIVER_ROLE, "publishClientReceive", Topics.ALL_UPLINK));
        commands.add(acl(RECEIVER_ROLE, "publishClientSend", Topics.ROOT + "/+/down/+"));
        commands.add(command("addClientRole").put("username", connection.username()).put("rolename", RECEIVER_ROLE)
                .put("priority", 10));
        run(commands, Set.of("Role already exists", "ACL with this topic already exists", "ACL already exists"));
        LOG.info("Mosquitto dynamic security: role {} set up for user {}", RECEIVER_ROLE, connection.username());
    }

    @Override
    public void loginIssued(String deviceId, String password) {
        DeviceIds.check(deviceId);
        String role = DEVICE_ROLE_PREFIX + deviceId;
        List<ObjectNode> commands = new ArrayList<>();
        commands.add(command("createRole").put("rolename", role).put("textname", "Breathgate device " + deviceId));
        commands.add(acl(role, "publishClientSend", Topics.ROOT + "/" + deviceId + "/up/+"));
        commands.add(acl(role, "subscribePattern", Topics.downlinkFilter(deviceId)));
        commands.add(acl(role, "publishClientReceive", Topics.downlinkFilter(deviceId)));
        run(commands, Set.of("Role already exists", "ACL with this topic already exists", "ACL already exists"));

        ObjectNode create = command("createClient").put("username", deviceId).put("password", password).put("clientid", deviceId)
                .put("textname", "Breathgate device " + deviceId);
        create.putArray("roles").addObject().put("rolename", role).put("priority", 1);
        Map<String, String> errors = run(List.of(create), Set.of("Client already exists"));
        if (errors.containsKey("createClient")) {
            // A login replaced: new password, and the client id stays bound to the device id.
            run(List.of(command("setClientPassword").put("username", deviceId).put("password", password),
                    command("setClientId").put("username", deviceId).put("clientid", deviceId)), Set.of());
            // Mosquitto 2.0 keeps a session logged in with the old password: end it.
            run(List.of(command("disableClient").put("username", deviceId), command("enableClient").put("username", deviceId)), Set.of());
        }
        LOG.info("Mosquitto dynamic security: login of {} {}", deviceId, errors.containsKey("createClient") ? "replaced" : "created");
    }

    @Override
    public void loginRemoved(String deviceId) {
        DeviceIds.check(deviceId);
        // Deleting the client also disconnects it.
        run(List.of(command("deleteClient").put("username", deviceId), command("deleteRole").put("rolename", DEVICE_ROLE_PREFIX + deviceId)),
                Set.of("Client not found", "Role not found"));
        LOG.info("Mosquitto dynamic security: login of {} removed", deviceId);
    }

    /**
     * Removes the logins of devices not in {@code keep} (the active devices that have a login): a revocation whose broker
     * update failed is finished here, at the next start. Logins missing at the broker cannot be made from the registry (it
     * keeps only hashes): those devices ask for a new login when the broker refuses them. Returns the devices removed.
     */
    public List<String> removeAllBut(Set<String> keep) {
        Map<String, JsonNode> answers = runForData(List.of(command("listClients").put("verbose", false)));
        JsonNode clients = answers.getOrDefault("listClients", JSON.createObjectNode()).path("data").path("clients");
        List<String> removed = new ArrayList<>();
        for (JsonNode client : clients) {
            String name = client.isTextual() ? client.asText() : client.path("username").asText("");
            if (DeviceIds.isValid(name) && !name.equals(connection.username()) && !keep.contains(name)) {
                loginRemoved(name);
                removed.add(name);
            }
        }
        return removed;
    }

    private static ObjectNode command(String name) {
        return JSON.createObjectNode().put("command", name);
    }

    private static ObjectNode acl(String role, String type, String topic) {
        return command("addRoleACL").put("rolename", role).put("acltype", type).put("topic", topic).put("allow", true).put("priority", 0);
    }

    /** Runs {@code commands}; returns the errors the plugin answered that are in {@code tolerated}, by command. */
    private Map<String, String> run(List<ObjectNode> commands, Set<String> tolerated) {
        Map<String, String> tolerate = new ConcurrentHashMap<>();
        for (Map.Entry<String, JsonNode> answer : exchange(commands).entrySet()) {
            String error = answer.getValue().path("error").asText(null);
            if (error == null) {
                continue;
            }
            String command = answer.getValue().path("command").asText("?");
            if (tolerated.stream().anyMatch(error::contains)) {
                tolerate.put(command, error);
            } else {
                throw new BrokerAccountsException("Mosquitto's dynamic security plugin refused " + command + ": " + error
                        + " (is the plugin loaded, and is " + connection.username() + " its admin? docs/receiver.md, \"Broker setup\")");
            }
        }
        return tolerate;
    }

    private Map<String, JsonNode> runForData(List<ObjectNode> commands) {
        Map<String, JsonNode> byCommand = new ConcurrentHashMap<>();
        for (JsonNode answer : exchange(commands).values()) {
            if (answer.hasNonNull("error")) {
                throw new BrokerAccountsException("Mosquitto's dynamic security plugin refused " + answer.path("command").asText("?") + ": "
                        + answer.path("error").asText());
            }
            byCommand.put(answer.path("command").asText("?"), answer);
        }
        return byCommand;
    }

    /** Sends the commands in one message and returns each one's answer by its correlation data. */
    private Map<String, JsonNode> exchange(List<ObjectNode> commands) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode list = body.putArray("commands");
        Map<String, JsonNode> answers = new ConcurrentHashMap<>();
        Set<String> expected = ConcurrentHashMap.newKeySet();
        for (ObjectNode c : commands) {
            byte[] id = new byte[8];
            random.nextBytes(id);
            String correlation = HexFormat.of().formatHex(id);
            c.put("correlationData", correlation);
            expected.add(correlation);
            list.add(c);
        }
        CountDownLatch done = new CountDownLatch(1);
        String clientId = connection.clientId() + "-dynsec-" + Long.toHexString(random.nextLong() & 0xffffffL);
        try {
            MqttClient client = new MqttClient(connection.brokerUri(), clientId, new MemoryPersistence());
            try {
                client.setCallback(new MqttCallback() {
                    @Override
                    public void connectionLost(Throwable cause) {
                        done.countDown();
                    }

                    @Override
                    public void messageArrived(String topic, MqttMessage message) {
                        try {
                            for (JsonNode r : JSON.readTree(message.getPayload()).path("responses")) {
                                String correlation = r.path("correlationData").asText("");
                                if (expected.contains(correlation)) {
                                    answers.put(correlation, r);
                                }
                            }
                        } catch (IOException e) {
                            LOG.warn("unreadable answer from the dynamic security plugin: {}", e.getMessage());
                        }
                        if (answers.keySet().containsAll(expected)) {
                            done.countDown();
                        }
                    }

                    @Override
                    public void deliveryComplete(IMqttDeliveryToken token) {
                    }
                });
                MqttConnectOptions options = new MqttConnectOptions();
                options.setCleanSession(true);
                options.setAutomaticReconnect(false);
                options.setConnectionTimeout(10);
                options.setUserName(connection.username());
                options.setPassword(connection.password().toCharArray());
                if (connection.socketFactory() != null) {
                    options.setSocketFactory(connection.socketFactory());
                }
                client.connect(options);
                client.subscribe(RESPONSE_TOPIC, 1);
                client.publish(CONTROL_TOPIC, body.toString().getBytes(StandardCharsets.UTF_8), 1, false);
                if (!done.await(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || !answers.keySet().containsAll(expected)) {
                    throw new BrokerAccountsException("Mosquitto's dynamic security plugin did not answer on " + RESPONSE_TOPIC + " within "
                            + ANSWER_TIMEOUT.toSeconds() + " s (is mosquitto_dynamic_security.so loaded, and is " + connection.username()
                            + " its admin?)");
                }
            } finally {
                if (client.isConnected()) {
                    client.disconnect(1_000);
                }
                client.close();
            }
        } catch (MqttException e) {
            throw new BrokerAccountsException("cannot reach Mosquitto at " + connection.brokerUri() + " as " + connection.username()
                    + " to change device logins: " + e.getMessage() + " (reason " + e.getReasonCode() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerAccountsException("interrupted while changing device logins at Mosquitto", e);
        }
        Map<String, JsonNode> ordered = new java.util.LinkedHashMap<>();
        for (JsonNode c : list) {
            ordered.put(c.path("correlationData").asText(), answers.get(c.path("correlationData").asText()));
        }
        return ordered;
    }
}
