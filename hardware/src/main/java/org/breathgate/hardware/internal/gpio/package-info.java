/**
 * Not API: the GPIO interlock driver and the GPIO panel on Pi4J. Reach them through
 * {@link org.breathgate.hardware.Breathalysers#create(org.breathgate.hardware.BreathalyserConfig, java.time.Clock,
 * com.pi4j.context.Context)} and {@link org.breathgate.hardware.Breathalysers#openPanel}.
 */
package org.breathgate.hardware.internal.gpio;
