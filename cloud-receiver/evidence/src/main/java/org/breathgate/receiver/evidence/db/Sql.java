package org.breathgate.receiver.evidence.db;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;

/**
 * Small JDBC helpers shared by the stores of every room: SQL failures become {@link StoreException}s that say what was
 * being done, and instants are epoch milliseconds (nullable).
 */
public final class Sql {

    private Sql() {
    }

    /** {@link Database#inTransaction}, with failures wrapped. */
    public static <T> T write(Database database, String what, Database.SqlWork<T> work) {
        try {
            return database.inTransaction(work);
        } catch (SQLException e) {
            throw new StoreException(what + " failed: " + e.getMessage(), e);
        }
    }

    /** {@link Database#read}, with failures wrapped. */
    public static <T> T read(Database database, String what, Database.SqlWork<T> work) {
        try {
            return database.read(work);
        } catch (SQLException e) {
            throw new StoreException(what + " failed: " + e.getMessage(), e);
        }
    }

    public static void setInstant(PreparedStatement s, int index, Instant value) throws SQLException {
        if (value == null) {
            s.setNull(index, Types.BIGINT);
        } else {
            s.setLong(index, value.toEpochMilli());
        }
    }

    public static Instant instant(ResultSet rs, int index) throws SQLException {
        long ms = rs.getLong(index);
        return rs.wasNull() ? null : Instant.ofEpochMilli(ms);
    }
}
