package org.breathgate.agent.publish;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.breathgate.agent.config.AgentConfig;

/**
 * Checks the way to the broker as the publisher will take it — TCP, then TLS with the configured CA,
 * client certificate and host name check — without speaking MQTT, for {@code breathgate-agent doctor}.
 */
public final class BrokerProbe {

    /**
     * What the probe found.
     *
     * @param problem       what failed, for a technician; empty if the connection (and handshake) worked
     * @param serverCertificateExpires when the broker's certificate expires, after a TLS handshake
     */
    public record Result(Optional<String> problem, Optional<Instant> serverCertificateExpires) {
    }

    private BrokerProbe() {
    }

    public static Result check(AgentConfig.Mqtt mqtt, Duration timeout) {
        String host = mqtt.brokerUri().getHost();
        int port = mqtt.brokerUri().getPort();
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            return fail("cannot resolve the broker's host name " + host + " (no network or DNS?)");
        }
        if (!mqtt.tls()) {
            try (Socket s = new Socket()) {
                s.connect(address, (int) timeout.toMillis());
                return new Result(Optional.empty(), Optional.empty());
            } catch (IOException e) {
                return fail("cannot connect to " + host + ":" + port + ": " + e.getMessage());
            }
        }
        SSLSocketFactory factory;
        try {
            factory = TlsSockets.socketFactory(mqtt.caFile(), mqtt.clientKeystore(), mqtt.clientKeystorePassword().toCharArray());
        } catch (GeneralSecurityException | IOException e) {
            return fail("the TLS settings cannot be loaded (mqtt.tls.ca / mqtt.tls.keystore): " + e.getMessage());
        }
        try (Socket plain = new Socket()) {
            plain.connect(address, (int) timeout.toMillis());
            try (SSLSocket tls = (SSLSocket) factory.createSocket(plain, host, port, false)) {
                SSLParameters p = tls.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS"); // as Paho checks the host name
                tls.setSSLParameters(p);
                tls.setSoTimeout((int) timeout.toMillis());
                tls.startHandshake();
                Certificate[] chain = tls.getSession().getPeerCertificates();
                Optional<Instant> expires = chain.length > 0 && chain[0] instanceof X509Certificate x
                        ? Optional.of(x.getNotAfter().toInstant()) : Optional.empty();
                return new Result(Optional.empty(), expires);
            }
        } catch (javax.net.ssl.SSLException e) {
            return fail("the TLS handshake with " + host + ":" + port + " failed: " + e.getMessage()
                    + " (is mqtt.tls.ca the CA of this broker, is the address the name in its certificate, is the clock right?)");
        } catch (IOException e) {
            return fail("cannot connect to " + host + ":" + port + ": " + e.getMessage());
        }
    }

    private static Result fail(String problem) {
        return new Result(Optional.of(problem), Optional.empty());
    }
}
