package org.breathgate.receiver.web.auth;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrustedProxiesTest {

    private final TrustedProxies proxies = TrustedProxies.of(List.of("10.0.0.0/24", "192.0.2.7", "fd00::/8"));

    @Test
    void addresses_and_ranges_of_both_families_are_trusted_and_nothing_else() {
        assertTrue(proxies.trusts("10.0.0.200"));
        assertFalse(proxies.trusts("10.0.1.1"));
        assertTrue(proxies.trusts("192.0.2.7"));
        assertFalse(proxies.trusts("192.0.2.8"));
        assertTrue(proxies.trusts("fd12::1"));
        assertFalse(proxies.trusts("2001:db8::1"));
        assertFalse(proxies.trusts("not-an-address"));
    }

    @Test
    void behind_trusted_proxies_the_client_is_the_right_most_untrusted_hop() {
        assertEquals("203.0.113.5", proxies.client("10.0.0.1", List.of("198.51.100.9, 203.0.113.5, 10.0.0.3")),
                "the left-most entry was written by the client and could be anything");
    }

    @Test
    void a_forwarded_for_from_an_untrusted_peer_is_ignored() {
        assertEquals("198.51.100.1", proxies.client("198.51.100.1", List.of("10.0.0.9")));
        assertEquals("198.51.100.1", TrustedProxies.NONE.client("198.51.100.1", List.of("203.0.113.5")));
    }

    @Test
    void a_forwarded_value_that_is_no_address_is_not_believed() {
        assertEquals("10.0.0.1", proxies.client("10.0.0.1", List.of("evil.example.org")));
        assertEquals("203.0.113.5", proxies.client("10.0.0.1", List.of("203.0.113.5:4711")));
    }

    @Test
    void host_names_are_refused_in_the_setting() {
        assertThrows(IllegalArgumentException.class, () -> TrustedProxies.of(List.of("proxy.example.org")));
        assertThrows(IllegalArgumentException.class, () -> TrustedProxies.of(List.of("10.0.0.0/33")));
    }
}
