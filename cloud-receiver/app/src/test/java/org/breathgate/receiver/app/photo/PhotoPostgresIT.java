package org.breathgate.receiver.app.photo;

import org.breathgate.receiver.evidence.db.TestDatabases;
import org.breathgate.receiver.evidence.db.Database;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

/** The photo path on PostgreSQL (migration V34 in that dialect), with the photo bytes in the database. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PhotoPostgresIT {

    @Test
    void a_photo_is_checked_and_stored_in_the_database_beside_its_reading() throws Exception {
        try (TestDatabases databases = new TestDatabases();
             PhotoReceiverIT.Fixture f = new PhotoReceiverIT.Fixture(databases, Database.Dialect.POSTGRESQL, true)) {
            PhotoReceiverIT.storedBesideItsReading(f, Database.Dialect.POSTGRESQL);
        }
    }
}
