/**
 * What the device measures with, behind the module's own small ports: a {@link
 * org.breathgate.hardware.Breathalyser} (from {@link org.breathgate.hardware.Breathalysers}, given a
 * sealed {@link org.breathgate.hardware.BreathalyserConfig}) and the parent's {@link
 * org.breathgate.hardware.DevicePanel}. The API is this package, {@code camera} and {@code sim} (the
 * simulator and in-memory fakes); everything under {@code internal} is implementation and may change
 * without notice. {@code HardwarePublicApiTest} pins the public face.
 */
package org.breathgate.hardware;
