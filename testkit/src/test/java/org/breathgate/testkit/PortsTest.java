package org.breathgate.testkit;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

import static org.junit.jupiter.api.Assertions.assertTrue;

class PortsTest {

    @Test
    void a_free_port_is_never_one_the_os_could_give_an_outgoing_connection() throws Exception {
        int ephemeralLow = Ports.ephemeralLow();
        for (int i = 0; i < 200; i++) {
            int port = Ports.free();
            assertTrue(port >= 1024 && port < ephemeralLow, port + " is in the ephemeral range from " + ephemeralLow);
        }
        // what the OS hands a client is in that range, so it can never be a port a test server holds
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
            assertTrue(client.getLocalPort() >= ephemeralLow, "the client's own port " + client.getLocalPort());
        }
    }

    @Test
    void a_free_run_is_adjacent_ports_that_can_all_be_bound() throws Exception {
        for (int i = 0; i < 50; i++) {
            int first = Ports.freeRun(2);
            assertTrue(first + 1 < Ports.ephemeralLow(), "the whole run is below the ephemeral range: " + first);
            try (ServerSocket a = new ServerSocket(first, 1, InetAddress.getLoopbackAddress());
                 ServerSocket b = new ServerSocket(first + 1, 1, InetAddress.getLoopbackAddress())) {
                assertTrue(a.isBound() && b.isBound());
            }
        }
    }
}
