package org.breathgate.hardware.internal.gpio;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;

/** A Pi4J context on the mock platform, with the one downcast tests need kept here. */
final class MockPins implements AutoCloseable {
    final Context pi4j = Pi4J.newContextBuilder()
            .add(MockDigitalInputProvider.newInstance(), MockDigitalOutputProvider.newInstance())
            .build();

    void set(int pin, DigitalState state) {
        MockDigitalInput in = pi4j.registry().all().values().stream()
                .filter(io -> io instanceof MockDigitalInput m && m.address().intValue() == pin)
                .map(MockDigitalInput.class::cast).findFirst()
                .orElseThrow(() -> new AssertionError("no input on GPIO " + pin));
        in.mockState(state);
    }

    DigitalState output(int pin) {
        return pi4j.registry().all().values().stream()
                .filter(io -> io instanceof DigitalOutput o && o.address().intValue() == pin)
                .map(DigitalOutput.class::cast).findFirst()
                .orElseThrow(() -> new AssertionError("no output on GPIO " + pin)).state();
    }

    @Override
    public void close() {
        pi4j.shutdown();
    }
}
