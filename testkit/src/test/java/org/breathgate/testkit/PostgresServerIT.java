package org.breathgate.testkit;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PostgresServerIT {

    @Test
    void each_created_database_is_a_separate_empty_database() throws Exception {
        try (PostgresServer server = PostgresServer.start()) {
            String first = server.createDatabase();
            String second = server.createDatabase();
            assertNotEquals(first, second);
            try (Connection c = DriverManager.getConnection(first); Statement s = c.createStatement()) {
                s.execute("create table t (x int)");
                s.execute("insert into t values (7)");
                try (ResultSet rs = s.executeQuery("select x from t")) {
                    assertTrue(rs.next());
                    assertEquals(7, rs.getInt(1));
                }
            }
            try (Connection c = DriverManager.getConnection(second); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("select count(*) from information_schema.tables where table_name = 't'")) {
                assertTrue(rs.next());
                assertEquals(0, rs.getInt(1));
            }
        }
    }
}
