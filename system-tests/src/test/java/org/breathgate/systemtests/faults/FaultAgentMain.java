package org.breathgate.systemtests.faults;

import java.nio.file.Path;
import java.time.Duration;
import org.breathgate.protocol.VerificationKey;
import org.breathgate.testkit.TestKeys;

/**
 * A {@link FaultAgent} in a JVM of its own, for killing with SIGKILL: arguments are the folder, the device
 * id, the broker URI and {@code test} (the parent presses start every 5 ms) or {@code drain} (no new tests:
 * only sends what the outbox holds). Prints READY once started. The receiver's key is
 * {@link TestKeys#receiver()}. (device-agent's {@code PowerCutIT} does the same against a stand-in receiver, fifty times;
 * this one runs against the real receiver.)
 */
public final class FaultAgentMain {

    private FaultAgentMain() {
    }

    public static void main(String[] args) throws Exception {
        VerificationKey receiverKey = TestKeys.receiver().verificationKey();
        FaultAgent agent = FaultAgent.start(FaultAgent.settings(Path.of(args[0]), args[1], args[2], receiverKey));
        if (args[3].equals("test")) {
            agent.startTesting(Duration.ofMillis(5));
        }
        System.out.println("READY");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
