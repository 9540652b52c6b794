package org.breathgate.demo;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Client;
import org.breathgate.care.access.Organisation;
import org.breathgate.care.access.OrganisationKind;
import org.breathgate.care.account.PasswordHasher;
import org.breathgate.care.consent.Scope;
import org.breathgate.receiver.app.Receiver;
import org.breathgate.receiver.care.people.Clients;
import org.breathgate.receiver.care.people.Organisations;
import org.breathgate.receiver.care.people.Users;

/**
 * The demo's people, made with the receiver's own stores and {@code CareService}: a substance-abuse service and
 * a child-protection unit, one worker of each role, and three parents with their own logins. Every login has the
 * password {@link #PASSWORD}, which exists only in a demo data folder.
 */
final class DemoPeople {

    /** The one password of every demo login. Printed at start and in docs/demo.md; never used outside the demo folder. */
    static final String PASSWORD = "breathgate-demo";

    /*
     * Names as a wellbeing services county writes its own units': proper names in Finnish, the same on every page (they
     * were English, which read oddly beside Finnish pages). What each unit is, is said in the page's language around them.
     */
    static final Organisation SERVICE = new Organisation("demo-sa-service", "Sodankylän päihdepalvelut (demo)",
            OrganisationKind.SUBSTANCE_ABUSE_SERVICE);
    static final Organisation UNIT = new Organisation("demo-cp-unit", "Sodankylän lastensuojelu (demo)",
            OrganisationKind.CHILD_PROTECTION_UNIT);

    static final Actor SA_WORKER = Actor.substanceAbuseWorker("demo-sa", SERVICE.id());
    static final Actor CP_WORKER = Actor.childProtectionWorker("demo-cp", UNIT.id());
    static final Actor TECHNICIAN = Actor.technician("demo-tech");
    static final Actor ADMINISTRATOR = Actor.administrator("demo-admin");

    /** A login to print: the role as a person would say it, the user name, and what it is for. */
    record Login(String role, String userName, String note) {
    }

    private DemoPeople() {
    }

    /** The workers' logins; the parents' come from {@link Story}. */
    static List<Login> workerLogins() {
        return List.of(new Login("substance-abuse worker", SA_WORKER.userId(), SERVICE.name() + ": all three parents, sets schedules"),
                new Login("child-protection worker", CP_WORKER.userId(), UNIT.name() + ": sees Mikko only, who consented to share"),
                new Login("technician", TECHNICIAN.userId(), "the three devices and their health, no results"),
                new Login("administrator", ADMINISTRATOR.userId(), "accounts and the audit log, no results"));
    }

    /** Whether this database was seeded already (a kept demo folder). */
    static boolean seeded(Receiver receiver) {
        return new Organisations(receiver.database()).find(SERVICE.id()).isPresent();
    }

    /** Organisations, workers, clients and parents' logins; the consent of the story that shares with child protection. */
    static void seed(Receiver receiver, Instant now) {
        new Organisations(receiver.database()).add(SERVICE);
        new Organisations(receiver.database()).add(UNIT);
        Users users = new Users(receiver.database(), new PasswordHasher(PasswordHasher.Cost.OWASP_MINIMUM, new SecureRandom()));
        for (Actor worker : List.of(SA_WORKER, CP_WORKER, TECHNICIAN, ADMINISTRATOR)) {
            users.add(worker, PASSWORD.toCharArray(), now);
        }
        Clients clients = new Clients(receiver.database());
        for (Story story : Story.values()) {
            clients.add(Client.open(story.clientId(), story.person() + " (demo)", SERVICE.id()), now);
            users.add(story.parent(), PASSWORD.toCharArray(), now);
        }
        for (Story story : Story.values()) {
            if (story.sharesWithChildProtection()) {
                // Recorded by the substance-abuse worker, who explained it to the parent; 90 days, all three scopes.
                receiver.care().consents().record(SA_WORKER, story.clientId(), UNIT.id(), now, now.plus(Duration.ofDays(90)),
                        Set.of(Scope.RESULTS, Scope.MISSED_TESTS, Scope.ALERTS));
            }
        }
    }
}
