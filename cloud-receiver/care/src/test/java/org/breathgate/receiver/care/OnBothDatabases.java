package org.breathgate.receiver.care;

import org.breathgate.care.access.AccessDeniedException;
import org.breathgate.care.access.ReasonCode;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.receiver.evidence.db.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;

import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A care-room test class whose tests each take a fresh care room on SQLite or PostgreSQL (parameterised by
 * {@link Database.Dialect}); the PostgreSQL server, shared by the class, stops after its last test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OnBothDatabases {

    private final TestDatabases databases = new TestDatabases();

    @AfterAll
    final void closeDatabases() {
        databases.close();
    }

    /** A new, empty care room on a new database of {@code dialect}, with its own folder. */
    protected final CareFixture fixture(Database.Dialect dialect) {
        return new CareFixture(databases.newUrl(dialect), databases.newFolder());
    }

    /** The reason code of the gate's refusal of {@code call}; fails if the gate let it through. */
    protected static ReasonCode refusal(Supplier<?> call) {
        return assertThrows(AccessDeniedException.class, call::get).decision().code();
    }
}
