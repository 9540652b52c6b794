/**
 * Not API: the line-protocol driver and the jSerialComm port it (and the frame driver and the
 * simulator) read and write. Reach it through {@link org.breathgate.hardware.Breathalysers}; what is
 * public here is public only for the module's other packages and may change without notice.
 */
package org.breathgate.hardware.internal.serial;
