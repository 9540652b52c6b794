package org.breathgate.agent.it;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Random;
import org.breathgate.agent.DeviceAgent;
import org.breathgate.agent.Hardware;
import org.breathgate.agent.clock.SystemClockSource;
import org.breathgate.agent.prompt.Voice;
import org.breathgate.hardware.sim.FakeBreathalyser;
import org.breathgate.hardware.sim.SoftPanel;

/**
 * An agent in its own JVM for the power-cut test: a fake breathalyser answers at once and a loop
 * presses "start test" every few milliseconds, so readings flow fast until the test kills the JVM.
 * Arguments: data folder, device id, broker URI, {@code loop} or {@code drain}, then any {@code key=value}
 * settings. Prints READY once started.
 */
public final class PowerCutAgentMain {

    private PowerCutAgentMain() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String deviceId = args[1];
        boolean loop = args[3].equals("loop");
        Map<String, String> s = AgentFixture.settings(dir, deviceId, args[2]);
        for (int i = 4; i < args.length; i++) { // extra key=value settings
            s.put(args[i].substring(0, args[i].indexOf('=')), args[i].substring(args[i].indexOf('=') + 1));
        }
        FakeBreathalyser fake = new FakeBreathalyser(Clock.systemUTC());
        Random values = new Random();
        for (int i = 0; i < 5000; i++) {
            fake.thenMeasures(values.nextInt(10) == 0 ? 120 : values.nextInt(40));
        }
        DeviceAgent agent = new DeviceAgent(AgentFixture.config(s), new Hardware(fake, new SoftPanel(Clock.systemUTC())),
                Voice.silent(), new SystemClockSource(Clock.systemUTC(), () -> true), new Random());
        agent.start();
        System.out.println("READY");
        System.out.flush();
        while (true) {
            if (loop) {
                agent.requestTest();
                if (values.nextInt(50) == 0) {
                    agent.requestSupport(org.breathgate.protocol.SupportNeed.CALL_ME);
                }
            }
            Thread.sleep(3);
        }
    }
}
