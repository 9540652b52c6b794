package org.breathgate.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pi4j.context.Context;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.breathgate.agent.clock.ClockSource;
import org.breathgate.agent.config.AgentConfig;
import org.breathgate.agent.control.ControlServer;
import org.breathgate.agent.evidence.KeyFileException;
import org.breathgate.agent.prompt.CommandVoice;
import org.breathgate.agent.prompt.Voice;
import org.breathgate.hardware.DeviceDisconnectedException;
import org.breathgate.hardware.UnsupportedSensorException;
import org.breathgate.protocol.Reading;
import org.breathgate.protocol.TestReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent as it runs on a device ({@code breathgate-agent run}): the hardware the configuration
 * names, the {@link DeviceAgent}, and the control socket the technician's CLI talks to. Closing it
 * stops all three and shuts down the Pi4J context.
 */
public final class AgentDaemon implements AutoCloseable {

    /** The control socket's name in the data folder. */
    public static final String CONTROL_SOCKET = "control.sock";

    private static final Logger LOG = LoggerFactory.getLogger(AgentDaemon.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HardwareSetup hardware;
    private final DeviceAgent agent;
    private final ControlServer control;
    private final AgentConfig config;

    private AgentDaemon(AgentConfig config, HardwareSetup hardware, DeviceAgent agent, ControlServer control) {
        this.config = config;
        this.hardware = hardware;
        this.agent = agent;
        this.control = control;
    }

    /** Where the control socket of an agent with {@code config} listens. */
    public static Path controlSocket(AgentConfig config) {
        return config.dataDir().resolve(CONTROL_SOCKET);
    }

    /**
     * Builds and starts everything.
     *
     * @param pi4j  the Pi4J context, asked for only when the configuration uses GPIO
     * @param clock the agent's time
     * @param voice spoken prompts; {@code null} for recordings and espeak-ng ({@link CommandVoice}) when the configuration
     *              asks for a voice
     * @throws KeyFileException if a key file is missing, unreadable or readable by others
     * @throws UnsupportedSensorException if the configured sensor cannot measure breath alcohol trustworthily
     * @throws DeviceDisconnectedException if the panel's GPIO pins cannot be claimed
     * @throws IOException if the control socket cannot be made
     */
    public static AgentDaemon start(AgentConfig config, Supplier<Context> pi4j, ClockSource clock, Voice voice)
            throws KeyFileException, UnsupportedSensorException, DeviceDisconnectedException, IOException {
        HardwareSetup hardware = HardwareSetup.open(config, Clock.systemUTC(), pi4j);
        DeviceAgent agent = null;
        try {
            Voice v = voice != null ? voice
                    : CommandVoice.create(config.voice(), config.parent().audioDir(), config.parent().audioDevice(), config.deviceId());
            agent = new DeviceAgent(config, hardware.hardware(), v, clock, new SecureRandom());
            DeviceAgent a = agent;
            ControlServer control = ControlServer.start(controlSocket(config), request -> answer(a, config, request),
                    "breathgate-control-" + config.deviceId());
            agent.start();
            return new AgentDaemon(config, hardware, agent, control);
        } catch (KeyFileException | IOException | RuntimeException e) {
            if (agent != null) {
                agent.close();
            } else {
                hardware.hardware().breathalyser().close();
                hardware.hardware().panel().close();
            }
            hardware.close();
            throw e;
        }
    }

    private static String answer(DeviceAgent agent, AgentConfig config, String request) {
        if (!request.equals("test")) {
            return error("unknown_request", "the agent understands: test");
        }
        Duration wait = config.sensor().warmUpTimeout().plus(config.sensor().testTimeout()).plusSeconds(10);
        Optional<Reading> reading;
        try {
            reading = agent.runTestNow(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return error("interrupted", "the agent is stopping");
        }
        if (reading.isEmpty()) {
            return error("no_reading", "no reading was stored within " + wait.toSeconds() + " s; see 'breathgate-agent status'"
                    + " for the sensor's state and 'journalctl -u breathgate-agent' for details");
        }
        Reading r = reading.get();
        ObjectNode o = JSON.createObjectNode();
        o.put("seq", r.seq());
        o.put("outcome", r.outcome().wireName());
        if (r.breathAlcohol() != null) {
            o.put("ugl", r.breathAlcohol().microgramsPerLitre());
        }
        o.put("threshold_ugl", r.threshold().microgramsPerLitre());
        o.put("abort_reason", r.abortReason() == null ? null : r.abortReason().wireName());
        o.put("reason", r.reason() instanceof TestReason.OnDemand ? "on_demand"
                : r.reason() instanceof TestReason.Retest ? "retest" : "scheduled");
        o.put("sensor", r.sensor().model() + " " + r.sensor().serialNumber());
        o.put("time", r.clock().wall().toString());
        return o.toString();
    }

    private static String error(String code, String message) {
        ObjectNode o = JSON.createObjectNode();
        o.put("error", code);
        o.put("message", message);
        return o.toString();
    }

    public DeviceAgent agent() {
        return agent;
    }

    public AgentConfig config() {
        return config;
    }

    @Override
    public void close() {
        control.close();
        agent.close();
        hardware.close();
        LOG.info("Device agent {} stopped", config.deviceId());
    }
}
