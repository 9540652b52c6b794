package org.breathgate.receiver.ingest.broker;

/**
 * What the receiver tells its broker when a device's login changes, so that the broker knows it at once: at
 * enrollment, when a device asks for a new login, and at revocation or deprovisioning. Two kinds: the embedded broker
 * reads logins from the device registry itself ({@link #embedded}), Mosquitto is driven over its dynamic security
 * plugin ({@link MosquittoDynamicSecurity}).
 */
public interface BrokerAccounts {

    /**
     * {@code deviceId}'s login is now {@code password}: create it at the broker, or replace its password; a session
     * logged in with the old password ends.
     *
     * @throws BrokerAccountsException if the broker could not be told (the login stays in the registry; the device asks
     *                                 for a new one when the broker refuses it)
     */
    void loginIssued(String deviceId, String password);

    /**
     * {@code deviceId} may no longer log in (revoked, retired): remove its login at the broker and disconnect it now.
     *
     * @throws BrokerAccountsException if the broker could not be told
     */
    void loginRemoved(String deviceId);

    /** For the embedded broker: it checks every connect against the registry; this only makes its watch look now. */
    static BrokerAccounts embedded(EmbeddedMqttBroker broker) {
        return new BrokerAccounts() {
            @Override
            public void loginIssued(String deviceId, String password) {
                broker.loginsChanged();
            }

            @Override
            public void loginRemoved(String deviceId) {
                broker.loginsChanged();
            }
        };
    }

    /** For a broker the receiver does not manage (logins kept by hand, or tests): nothing to tell. */
    static BrokerAccounts none() {
        return new BrokerAccounts() {
            @Override
            public void loginIssued(String deviceId, String password) {
            }

            @Override
            public void loginRemoved(String deviceId) {
            }
        };
    }

    /** The broker could not be told of a login change; the message says what to check. */
    final class BrokerAccountsException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public BrokerAccountsException(String message, Throwable cause) {
            super(message, cause);
        }

        public BrokerAccountsException(String message) {
            super(message);
        }
    }
}
