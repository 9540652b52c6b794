package org.breathgate.agent;

import java.util.Objects;
import java.util.Optional;
import org.breathgate.hardware.Breathalyser;
import org.breathgate.hardware.DevicePanel;
import org.breathgate.hardware.camera.Camera;

/**
 * The device's hardware as the agent uses it: a breathalyser (not yet opened), the parent's
 * panel, and the camera that photographs each blow (empty when the device has none). The agent
 * takes ownership and closes them when it stops.
 */
public record Hardware(Breathalyser breathalyser, DevicePanel panel, Optional<Camera> camera) {
    public Hardware {
        Objects.requireNonNull(breathalyser, "breathalyser");
        Objects.requireNonNull(panel, "panel");
        Objects.requireNonNull(camera, "camera");
    }

    /** Hardware without a camera: readings say "no photo: disabled". */
    public Hardware(Breathalyser breathalyser, DevicePanel panel) {
        this(breathalyser, panel, Optional.empty());
    }
}
