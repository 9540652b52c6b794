package org.breathgate.receiver.care;

import org.breathgate.care.account.LoginThrottle;
import org.breathgate.receiver.care.signin.SignInSettings;
import org.breathgate.care.alert.AlertEngine;
import org.breathgate.protocol.MessageSigner;
import org.breathgate.receiver.care.admin.PeopleAdmin;
import org.breathgate.receiver.care.alert.Alerts;
import org.breathgate.receiver.care.caseload.Caseloads;
import org.breathgate.receiver.care.cases.Cases;
import org.breathgate.receiver.care.consent.Consents;
import org.breathgate.receiver.care.devices.DeviceHealth;
import org.breathgate.receiver.care.export.ClientExport;
import org.breathgate.receiver.care.export.VerificationBundle;
import org.breathgate.receiver.care.gate.CareGate;
import org.breathgate.receiver.care.history.AuditViews;
import org.breathgate.receiver.care.history.WhoLooked;
import org.breathgate.receiver.care.people.Clients;
import org.breathgate.receiver.care.people.Organisations;
import org.breathgate.receiver.care.people.Users;
import org.breathgate.receiver.care.photo.PhotoService;
import org.breathgate.receiver.care.report.ReportService;
import org.breathgate.receiver.care.routing.Routing;
import org.breathgate.receiver.care.schedule.DeviceConfigs;
import org.breathgate.receiver.care.schedule.DownlinkPublisher;
import org.breathgate.receiver.care.schedule.Schedules;
import org.breathgate.receiver.care.signin.SignIn;
import org.breathgate.receiver.care.support.SupportRequests;
import org.breathgate.receiver.care.routing.OfficeHours;
import org.breathgate.receiver.care.timeline.Timelines;
import org.breathgate.receiver.evidence.db.Database;
import org.breathgate.receiver.evidence.device.DeviceRegistry;
import org.breathgate.receiver.evidence.enrollment.EnrollmentCodes;
import org.breathgate.receiver.evidence.photo.PhotoStore;

import java.time.Clock;
import java.time.ZoneId;
import java.util.Objects;
import org.breathgate.receiver.care.word.ParentWord;
import java.util.function.Supplier;

/**
 * The care room's front door for signed-in people: every operation a page or the API offers, each going through the one
 * {@link CareGate}. Built once by {@link #of}; the web takes this and nothing below it.
 *
 * @param timelines a client's events as the viewer may see them, classified once for pages, API and PDF
 * @param consents  the parent's consents to share with child protection
 * @param alerts    the alert inbox, acknowledgements, excuses
 * @param schedules test schedules, signed and sent to the device
 * @param export    everything held about a client (the parent's right of access)
 * @param reports   the PDF report for a case file
 * @param photos    test photos, their review, reference photos
 * @param caseloads who is on whose list, and the names pages show
 * @param devices   device health and enrollment codes
 * @param people    accounts and cases through the API
 * @param signIn    checking who someone is; the sign-in events of the audit log
 * @param cases     a case's device loans, closing and reopening it
 * @param routing   who is responsible for a client, caseload handovers, the organisations' on-call and escalation lists
 * @param whoLooked a parent's view of who looked at their results, from the audit log
 * @param audit     the audit log for administrators: filters, export, the chain's verification
 * @param support   the parents' support requests: routed by need, opened and closed, the signed reply to the device
 * @param bundles   a client's verification bundle: signed messages, device keys and a script to check them with OpenSSL
 * @param feedback  the parents' feedback on the service ("how is this working for you?"), never tied to a result
 * @param word      the parent's own word: explanations beside events, planned absences and the worker's decisions
 */
public record Care(Timelines timelines, Consents consents, Alerts alerts, Schedules schedules, ClientExport export, ReportService reports,
                   PhotoService photos, Caseloads caseloads, DeviceHealth devices, PeopleAdmin people, SignIn signIn, Cases cases,
                   Routing routing, WhoLooked whoLooked, AuditViews audit, SupportRequests support, VerificationBundle bundles,
                   org.breathgate.receiver.care.feedback.ParentFeedback feedback, ParentWord word) {

    public Care {
        Objects.requireNonNull(timelines, "timelines");
        Objects.requireNonNull(consents, "consents");
        Objects.requireNonNull(alerts, "alerts");
        Objects.requireNonNull(schedules, "schedules");
        Objects.requireNonNull(export, "export");
        Objects.requireNonNull(reports, "reports");
        Objects.requireNonNull(photos, "photos");
        Objects.requireNonNull(caseloads, "caseloads");
        Objects.requireNonNull(devices, "devices");
        Objects.requireNonNull(people, "people");
        Objects.requireNonNull(signIn, "signIn");
        Objects.requireNonNull(cases, "cases");
        Objects.requireNonNull(routing, "routing");
        Objects.requireNonNull(whoLooked, "whoLooked");
        Objects.requireNonNull(audit, "audit");
        Objects.requireNonNull(support, "support");
        Objects.requireNonNull(bundles, "bundles");
        Objects.requireNonNull(feedback, "feedback");
        Objects.requireNonNull(word, "word");
    }

    /**
     * What the care room needs from outside it.
     *
     * @param gate         the one gate (decisions and audit)
     * @param database     the receiver's database
     * @param registry     the enrolled devices (their keys check signatures again when a timeline is shown)
     * @param photoStore   where stored photos' bytes are
     * @param engine       the alert rules
     * @param configSigner signs devices' configurations with the receiver's key
     * @param downlink     sends a signed configuration to its device (the app wires it to ingest's MQTT connection)
     * @param users        the accounts (their password hashing cost)
     * @param signIn       how people sign in: sessions, the second factor, the sign-in secret
     * @param ids          new consent ids
     * @param alertsStored run after an operation stored alerts (wakes the delivery worker)
     * @param zone         the care zone: dates, weeks and "today"
     * @param officeHours  the service's office hours ({@code care.office-hours}): whom support requests reach, contact times
     */
    public record Needs(CareGate gate, Database database, DeviceRegistry registry, PhotoStore photoStore, AlertEngine engine,
                        MessageSigner configSigner, DownlinkPublisher downlink, Users users, SignInSettings signIn,
                        Supplier<String> ids, Runnable alertsStored, ZoneId zone, Clock clock, OfficeHours officeHours) {

        /** With the default office hours ({@link OfficeHours#DEFAULT}) in {@code zone}. */
        public Needs(CareGate gate, Database database, DeviceRegistry registry, PhotoStore photoStore, AlertEngine engine,
                     MessageSigner configSigner, DownlinkPublisher downlink, Users users, SignInSettings signIn,
                     Supplier<String> ids, Runnable alertsStored, ZoneId zone, Clock clock) {
            this(gate, database, registry, photoStore, engine, configSigner, downlink, users, signIn, ids, alertsStored, zone, clock,
                    OfficeHours.parse(OfficeHours.DEFAULT, zone));
        }
    }

    /** The care room, wired with plain constructors. */
    public static Care of(Needs n) {
        Timelines timelines = new Timelines(n.gate(), n.registry());
        DeviceConfigs configs = new DeviceConfigs(n.configSigner(), n.downlink(), n.zone());
        return new Care(timelines,
                new Consents(n.gate(), n.database(), n.ids()),
                new Alerts(n.gate(), n.database(), n.engine()),
                new Schedules(n.gate(), configs),
                new ClientExport(n.gate(), n.signIn().showWorkerNamesToParents(), n.photoStore()),
                new ReportService(n.gate(), timelines, n.registry(), n.zone()),
                new PhotoService(n.gate(), n.photoStore(), n.engine(), n.alertsStored()),
                new Caseloads(n.gate(), n.database()),
                new DeviceHealth(n.gate(), n.database(), n.registry(), new EnrollmentCodes(n.database(), n.registry(), n.clock(),
                        new java.security.SecureRandom()), n.zone(), n.clock()),
                new PeopleAdmin(n.gate(), n.users(), new Clients(n.database()), new Organisations(n.database()), configs),
                new SignIn(n.gate(), n.database(), n.users(), LoginThrottle.defaults(), n.signIn(), new java.security.SecureRandom(),
                        n.clock()),
                new Cases(n.gate(), n.registry(), configs),
                new Routing(n.gate()),
                new WhoLooked(n.gate(), n.signIn().showWorkerNamesToParents()),
                new AuditViews(n.gate()),
                new SupportRequests(n.gate(), n.configSigner(), n.downlink(), n.officeHours(), n.registry()),
                new VerificationBundle(n.gate(), n.registry()),
                new org.breathgate.receiver.care.feedback.ParentFeedback(n.gate()),
                new ParentWord(n.gate()));
    }
}
