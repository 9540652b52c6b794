package org.breathgate.hardware;

/**
 * Which breathalyser is attached and how. Built once at start-up from the configuration file and
 * passed to {@link Breathalysers#create}.
 */
public sealed interface BreathalyserConfig permits LineProtocolConfig, FrameModuleConfig, GpioInterlockConfig {
}
