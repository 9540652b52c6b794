package org.breathgate.receiver.app.config;

/** The receiver's configuration is wrong; the message names the setting and what to do. */
public class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
