package org.breathgate.agent.publish;

/**
 * How the publisher gets a new broker login when the broker refuses its own (bad user name or password, not authorised):
 * by a request the device signs ({@code enroll.BrokerLoginRenewal}). Called on the publisher's thread, at most once per
 * {@link MqttPublisher#RENEW_LOGIN_EVERY}.
 */
@FunctionalInterface
public interface LoginRenewal {

    /** Asks for a new login and keeps it where the publisher reads it; false (logged) if that did not work. */
    boolean renew();
}
