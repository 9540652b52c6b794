/**
 * Not API: the 9-byte-frame gas-module driver. Reach it through
 * {@link org.breathgate.hardware.Breathalysers} with a {@link org.breathgate.hardware.FrameModuleConfig}.
 */
package org.breathgate.hardware.internal.frame;
