package org.breathgate.receiver.care.delivery;

import org.breathgate.receiver.care.gate.CareGate;
import org.breathgate.receiver.care.gate.Visit;

import org.breathgate.care.access.Actor;
import org.breathgate.care.access.Decision;
import org.breathgate.care.alert.Alert;
import org.breathgate.care.alert.AlertEngine;
import org.breathgate.care.alert.CaseContext;
import org.breathgate.care.webhook.RetryBackoff;
import org.breathgate.care.webhook.RetryDecision;
import org.breathgate.receiver.evidence.db.Sql;
import org.breathgate.receiver.care.consent.CaseContexts;
import org.breathgate.receiver.care.alert.AlertStore;
import org.breathgate.receiver.care.people.UserAccount;
import org.breathgate.receiver.care.people.Users;
import org.breathgate.receiver.evidence.db.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.breathgate.receiver.care.routing.AlertRouting;
import org.breathgate.receiver.care.routing.OfficeHours;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Delivers alerts by e-mail and webhook from the outbox in {@code care_alert_deliveries}.
 *
 * <p>Each alert command the alert processor stores leaves one {@code inbox} row. The worker <em>fans it out</em>: in
 * one transaction it makes a {@code pending} row per recipient — each worker with an e-mail address in the alert's
 * audience (its substance-abuse service and the child-protection units consent covers; for an alert about the device, each
 * technician with an e-mail address too), and each active webhook of those organisations — and marks the inbox row done. Then it <em>attempts</em> each due row: it checks again, at
 * that moment, that the recipient may receive the alert ({@link AlertEngine#mayReceive}: a consent revoked since
 * the alert was raised withholds it), sends, and records the outcome with an audit entry in one transaction:
 * {@code delivered}; a failed attempt rescheduled by {@link RetryBackoff}; {@code dead} after the last attempt (the
 * dead-letter list, replayed by {@link DeliveryAdmin#replay}); or {@code withheld}.
 *
 * <p>Latency: {@link #wake()} (called by the care scheduler as soon as alerts are stored) starts a round at once;
 * otherwise the dispatcher wakes when the next retry is due, and at least every poll interval (to pick up rows another
 * process or a replay added). Threads: one dispatcher and a fixed pool of senders; a row is never attempted by two
 * threads at once, nor by two receivers on one database: a row is claimed for this instance ({@link DeliveryStore#claimDue},
 * {@code FOR UPDATE SKIP LOCKED} on PostgreSQL) for the claim lease before it is sent, and a claim lapses only if its
 * instance dies mid-send, when another instance takes the row over. All state is in the database, so a restart loses nothing: rows pending stay pending. A crash between
 * sending and recording may send one message twice (at-least-once); webhooks carry an idempotency key for that.
 *
 * <p>{@link #runOnce()} does one round on the caller's thread, for tests with a clock they move.
 */
public final class DeliveryWorker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryWorker.class);

    /** Audit actions this worker writes (subject: the alert). */
    public static final String AUDIT_DELIVERED = "alert.delivered";
    public static final String AUDIT_DEAD = "alert.delivery_dead";
    public static final String AUDIT_WITHHELD = "alert.delivery_withheld";
    public static final String AUDIT_REPLAYED = "alert.delivery_replayed";
    static final String SYSTEM = "system";

    private static final int FAN_OUT_BATCH = 200;

    /**
     * How the worker runs.
     *
     * @param backoff      retry timing and the attempt limit
     * @param threads      sender threads (at most this many deliveries at once)
     * @param pollInterval the longest the dispatcher sleeps without being woken
     * @param signInUrl    the link mails and webhook bodies carry, or {@code null}
     * @param zone         the zone mail texts show times in
     * @param routing      who in an organisation is sent an alert (responsible workers, on-call, escalation contacts)
     */
    public record Settings(RetryBackoff backoff, int threads, Duration pollInterval, String signInUrl, ZoneId zone, AlertRouting routing) {

        /** With the default office hours ({@link OfficeHours#DEFAULT}) in {@code zone}. */
        public Settings(RetryBackoff backoff, int threads, Duration pollInterval, String signInUrl, ZoneId zone) {
            this(backoff, threads, pollInterval, signInUrl, zone, new AlertRouting(OfficeHours.parse(OfficeHours.DEFAULT, zone)));
        }

        public Settings {
            java.util.Objects.requireNonNull(routing, "routing");
            Objects.requireNonNull(backoff, "backoff");
            if (threads < 1 || threads > 64) {
                throw new IllegalArgumentException("delivery threads must be 1-64, was " + threads);
            }
            Objects.requireNonNull(pollInterval, "pollInterval");
            if (pollInterval.isNegative() || pollInterval.isZero()) {
                throw new IllegalArgumentException("pollInterval must be positive");
            }
            Objects.requireNonNull(zone, "zone");
        }
    }

    private final Database database;
    private final CareGate gate;
    private final MailSender mail;
    private final WebhookSender webhooks;
    private final Settings settings;
    private final Clock clock;
    private final Random random;
    private final String instance;
    private final Duration claimLease;
    private final BlockingQueue<Boolean> wakeUp = new ArrayBlockingQueue<>(1);
    private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();
    private volatile boolean running;
    private Thread dispatcher;
    private ExecutorService senders;

    /**
     * @param mail     the SMTP sender, or {@code null} when e-mail is not configured (then no e-mail rows are made)
     * @param webhooks the webhook sender
     * @param random   jitter for the retry times
     */
    public DeliveryWorker(Database database, CareGate gate, MailSender mail, WebhookSender webhooks, Settings settings, Clock clock,
                          Random random) {
        this(database, gate, mail, webhooks, settings, clock, random, "receiver-" + java.util.UUID.randomUUID(), DEFAULT_CLAIM_LEASE);
    }

    /**
     * @param instance   this receiver's id among those sharing the database (the MQTT client id): rows it claims carry it
     * @param claimLease how long a claimed row stays this instance's: longer than one send may take (the send timeout),
     *                   and how long another instance waits before it takes over the rows of one that died mid-send
     */
    public DeliveryWorker(Database database, CareGate gate, MailSender mail, WebhookSender webhooks, Settings settings, Clock clock,
                          Random random, String instance, Duration claimLease) {
        this.instance = Objects.requireNonNull(instance, "instance");
        this.claimLease = Objects.requireNonNull(claimLease, "claimLease");
        this.database = Objects.requireNonNull(database, "database");
        this.gate = Objects.requireNonNull(gate, "gate");
        this.mail = mail;
        this.webhooks = Objects.requireNonNull(webhooks, "webhooks");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** The claim lease when none is given: well beyond the longest send timeout. */
    public static final Duration DEFAULT_CLAIM_LEASE = Duration.ofMinutes(5);

    /** How often the dispatcher looks without being woken: for rows a replay (another process) or another receiver added. */
    public static final Duration DEFAULT_POLL = Duration.ofSeconds(5);

    /** Starts the dispatcher and the sender threads; the first round runs at once (rows left from before a restart). */
    public synchronized DeliveryWorker start() {
        if (running) {
            return this;
        }
        running = true;
        AtomicInteger n = new AtomicInteger();
        senders = Executors.newFixedThreadPool(settings.threads(), r -> {
            Thread t = new Thread(r, "care-delivery-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        dispatcher = new Thread(this::dispatch, "care-delivery-dispatcher");
        dispatcher.setDaemon(true);
        dispatcher.start();
        LOG.info("alert delivery started: e-mail {}, webhooks on, {} sender thread(s), retries {}", mail == null ? "off (no "
                + "mail.smtp.host)" : mail.settings(), settings.threads(), settings.backoff());
        return this;
    }

    /** Starts a round now (new alerts were stored); cheap, never blocks. */
    public void wake() {
        wakeUp.offer(Boolean.TRUE);
    }

    /** Whether e-mail is configured. */
    public boolean mailEnabled() {
        return mail != null;
    }

    /**
     * One round on the caller's thread: fans out new alert commands, then attempts every row due now, one after the
     * other. Not to be mixed with {@link #start()}.
     *
     * @return how many rows were attempted
     */
    public int runOnce() throws InterruptedException {
        fanOut();
        int attempted = 0;
        for (Delivery d : claim(1000)) {
            attempt(d);
            attempted++;
        }
        return attempted;
    }

    private void dispatch() {
        while (running) {
            try {
                fanOut();
                int free = settings.threads() - inFlight.size();
                if (free > 0) {
                    for (Delivery d : claim(free)) {
                        inFlight.add(d.id());
                        senders.execute(() -> {
                            try {
                                attempt(d);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            } catch (RuntimeException e) {
                                LOG.error("delivery {} failed unexpectedly: {}", d.describe(), e.getMessage(), e);
                                // Counted as a failed attempt, so a row that always fails ends dead instead of spinning.
                                try {
                                    failed(d, d.attempts() + 1, "internal error: " + e);
                                } catch (RuntimeException again) {
                                    LOG.error("could not record the failure of delivery {}: {}", d.describe(), again.getMessage());
                                }
                            } finally {
                                inFlight.remove(d.id());
                                wake();
                            }
                        });
                    }
                }
                Instant now = clock.instant();
                Optional<Instant> next = Sql.read(database, "reading the next due delivery", DeliveryStore::nextDue);
                long waitMs = settings.pollInterval().toMillis();
                if (next.isPresent() && next.get().isAfter(now)) {
                    waitMs = Math.min(waitMs, Duration.between(now, next.get()).toMillis() + 1);
                }
                wakeUp.poll(waitMs, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.error("alert delivery round failed (tried again in {} s): {}", settings.pollInterval().toSeconds(), e.getMessage(), e);
                try {
                    wakeUp.poll(settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    /** Claims up to {@code limit} due rows for this instance (see {@link DeliveryStore#claimDue}). */
    private List<Delivery> claim(int limit) {
        Instant now = clock.instant();
        return Sql.write(database, "claiming due deliveries",
                c -> DeliveryStore.claimDue(c, database.dialect(), now, instance, now.plus(claimLease), limit));
    }

    /** Makes the pending rows of every inbox row not yet fanned out; returns how many rows were made. Part of every round. */
    public int fanOut() {
        int made = 0;
        List<Delivery> sources;
        do {
            sources = Sql.read(database, "reading new alert deliveries", c -> DeliveryStore.toFanOut(c, FAN_OUT_BATCH));
            for (Delivery source : sources) {
                made += Sql.write(database, "fanning out delivery " + source.id(), c -> fanOut(c, source, clock.instant()));
            }
        } while (sources.size() == FAN_OUT_BATCH);
        return made;
    }

    private int fanOut(Connection c, Delivery source, Instant now) throws SQLException {
        if (!DeliveryStore.markFannedOut(c, source.id(), now)) {
            return 0;
        }
        Optional<Alert> found = AlertStore.find(c, source.alertKey());
        if (found.isEmpty()) {
            return 0;
        }
        Alert alert = found.get();
        Set<String> organisations = new LinkedHashSet<>();
        organisations.add(alert.audience().substanceAbuseOrganisationId());
        organisations.addAll(alert.audience().childProtectionUnitIds());
        int made = 0;
        if (alert.audience().technicians() && mail != null) {
            // An alert about the device (no result in it) reaches the technicians too, by e-mail.
            for (UserAccount technician : Users.technicians(c)) {
                if (technician.email() != null) {
                    DeliveryStore.addPending(c, source, Delivery.EMAIL, technician.actor().userId(), now);
                    made++;
                }
            }
        }
        for (String organisation : organisations) {
            if (mail != null) {
                for (UserAccount worker : settings.routing().recipients(c, alert, organisation, source.reason(), now)) {
                    if (worker.email() != null) {
                        DeliveryStore.addPending(c, source, Delivery.EMAIL, worker.actor().userId(), now);
                        made++;
                    }
                }
            }
            for (Webhook webhook : Webhooks.activeOf(c, organisation)) {
                long id = DeliveryStore.addPending(c, source, Delivery.WEBHOOK, webhook.id(), now);
                DeliveryStore.setPayload(c, id, WebhookBody.of(id, source.reason(), alert, webhook, settings.signInUrl(), now));
                made++;
            }
        }
        return made;
    }

    /** Where a row goes and whether it may go there now. */
    private record Target(Alert alert, UserAccount user, Webhook webhook, String withheld) {
        static Target withheld(String why) {
            return new Target(null, null, null, why);
        }
    }

    private void attempt(Delivery d) throws InterruptedException {
        Instant checkedAt = clock.instant();
        Target target = gate.lookAsReceiver(SYSTEM, "checking delivery " + d.id(), visit -> target(visit, d));
        if (target.withheld() != null) {
            finish(d, Delivery.WITHHELD, d.attempts(), target.withheld(), AUDIT_WITHHELD);
            LOG.info("delivery {} withheld: {}", d.describe(), target.withheld());
            return;
        }
        int attempt = d.attempts() + 1;
        try {
            if (d.channel().equals(Delivery.EMAIL)) {
                if (mail == null) {
                    throw new DeliveryException("e-mail is not configured (mail.smtp.host)");
                }
                mail.send(target.user().email(), AlertMail.of(target.alert(), d.reason(), target.user().language(), settings.signInUrl(),
                        settings.zone(), target.user().actor().role() == org.breathgate.care.access.Role.TECHNICIAN),
                        "<" + WebhookBody.idempotencyKey(d.id()) + "@breathgate>");
            } else {
                webhooks.send(target.webhook(), d.id(), d.payload());
            }
        } catch (DeliveryException e) {
            failed(d, attempt, e.getMessage());
            return;
        }
        Instant at = clock.instant();
        boolean recorded = gate.runAsReceiver(SYSTEM, "recording delivery " + d.id(), visit -> {
            if (!DeliveryStore.markDelivered(visit.connection(), d.id(), attempt, at)) {
                return false;
            }
            visit.record(AUDIT_DELIVERED, "alert", d.alertKey(),
                    d.channel() + " to " + d.recipient() + " (" + d.reason() + "), delivery " + d.id() + ", attempt " + attempt + " by " + instance);
            return true;
        });
        if (recorded) {
            LOG.info("delivered {} at attempt {}, {} ms after it was queued", d.describe(), attempt,
                    Duration.between(d.createdAt(), at).toMillis());
        }
    }

    private void failed(Delivery d, int attempt, String error) {
        RetryDecision decision = settings.backoff().afterFailure(attempt, random);
        if (decision instanceof RetryDecision.DeadLetter) {
            finish(d, Delivery.DEAD, attempt, error, AUDIT_DEAD);
            LOG.warn("delivery {} is dead after {} attempts (replay: breathgate-receiver deliveries replay {}): {}", d.describe(), attempt,
                    d.id(), error);
            return;
        }
        Instant next = clock.instant().plus(((RetryDecision.RetryAfter) decision).delay());
        Sql.write(database, "rescheduling delivery " + d.id(), c -> DeliveryStore.reschedule(c, d.id(), attempt, next, error));
        LOG.info("delivery {} attempt {} failed, next at {}: {}", d.describe(), attempt, next, error);
    }

    private void finish(Delivery d, String state, int attempts, String why, String action) {
        gate.runAsReceiver(SYSTEM, "recording delivery " + d.id() + " as " + state, visit -> {
            if (DeliveryStore.finish(visit.connection(), d.id(), state, attempts, why)) {
                String detail = d.channel() + " to " + d.recipient() + " (" + d.reason() + "), delivery " + d.id() + ", " + attempts
                        + " attempt(s): " + why;
                visit.record(action, "alert", d.alertKey(), detail.length() > 2000 ? detail.substring(0, 2000) : detail);
            }
            return null;
        });
    }

    private Target target(Visit visit, Delivery d) throws SQLException {
        Connection c = visit.connection();
        Optional<Alert> found = AlertStore.find(c, d.alertKey());
        if (found.isEmpty()) {
            return Target.withheld("the alert is no longer stored");
        }
        Alert alert = found.get();
        if (d.reason().equals("escalate") && !alert.open()) {
            return Target.withheld("the alert is " + alert.status() + " now: nothing to escalate");
        }
        CaseContext context = CaseContexts.load(c, alert.clientId());
        Actor actor;
        UserAccount user = null;
        Webhook webhook = null;
        if (d.channel().equals(Delivery.EMAIL)) {
            Optional<UserAccount> account = Users.find(c, d.recipient());
            if (account.isEmpty()) {
                return Target.withheld("no user " + d.recipient());
            }
            user = account.get();
            if (user.email() == null) {
                return Target.withheld("user " + d.recipient() + " has no e-mail address");
            }
            actor = user.actor();
        } else if (d.channel().equals(Delivery.WEBHOOK)) {
            Optional<Webhook> hook = Webhooks.find(c, d.recipient());
            if (hook.isEmpty() || !hook.get().active()) {
                return Target.withheld("webhook " + d.recipient() + " is removed or disabled");
            }
            webhook = hook.get();
            actor = webhookActor(c, webhook);
            if (actor == null) {
                return Target.withheld("the organisation of webhook " + d.recipient() + " is gone");
            }
        } else {
            return Target.withheld("unknown channel " + d.channel());
        }
        Decision decision = visit.mayReceive(alert, actor, context);
        if (!decision.allowed()) {
            return Target.withheld(decision.code().code());
        }
        return new Target(alert, user, webhook, null);
    }

    /** A webhook receives what a worker of its organisation would: the same access decision applies. */
    private static Actor webhookActor(Connection c, Webhook webhook) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select kind from care_organisations where id = ?")) {
            q.setString(1, webhook.organisationId());
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return rs.getString(1).equals("CHILD_PROTECTION_UNIT")
                        ? Actor.childProtectionWorker(webhook.id(), webhook.organisationId())
                        : Actor.substanceAbuseWorker(webhook.id(), webhook.organisationId());
            }
        }
    }

    /** Stops the dispatcher, lets attempts under way finish (up to 30 s), then stops the senders. Rows left stay pending. */
    @Override
    public synchronized void close() {
        if (!running) {
            return;
        }
        running = false;
        dispatcher.interrupt();
        try {
            dispatcher.join(TimeUnit.SECONDS.toMillis(10));
            senders.shutdown();
            if (!senders.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("alert deliveries under way did not finish within 30 s; stopping them (they stay pending)");
                senders.shutdownNow();
            }
        } catch (InterruptedException e) {
            senders.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** Rows being attempted now (for tests and diagnostics). */
    List<Long> inFlight() {
        return new ArrayList<>(inFlight);
    }
}
