package org.breathgate.receiver.app;

import org.breathgate.receiver.care.delivery.Delivery;
import org.breathgate.receiver.care.delivery.DeliveryAdmin;
import org.breathgate.receiver.app.config.ReceiverConfig;
import org.breathgate.receiver.evidence.db.Database;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code breathgate-receiver deliveries list [--dead|--pending|--withheld]} and {@code deliveries replay ID|--all-dead}:
 * the alert e-mail and webhook outbox and its dead-letter list. A replayed delivery is picked up by the running receiver
 * within 5 seconds; consent is checked again before it goes out.
 */
@Command(name = "deliveries", mixinStandardHelpOptions = true, description = "List alert e-mail and webhook deliveries; replay dead ones.",
        subcommands = {DeliveriesCommand.ListDeliveries.class, DeliveriesCommand.Replay.class})
final class DeliveriesCommand {

    @CommandLine.ParentCommand
    ReceiverMain parent;

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List deliveries, newest first.")
    static final class ListDeliveries implements Callable<Integer> {
        @CommandLine.ParentCommand
        DeliveriesCommand deliveries;
        @Option(names = "--dead", description = "Only the dead-letter list (retries used up).")
        boolean dead;
        @Option(names = "--pending", description = "Only those still being tried.")
        boolean pending;
        @Option(names = "--withheld", description = "Only those withheld (consent or recipient no longer allows them).")
        boolean withheld;
        @Option(names = "--limit", defaultValue = "100", description = "At most this many (default 100).")
        int limit;

        @Override
        public Integer call() {
            String state = dead ? Delivery.DEAD : pending ? Delivery.PENDING : withheld ? Delivery.WITHHELD : null;
            ReceiverConfig config = deliveries.parent.config();
            try (Database database = Database.open(config.database().jdbcUrl())) {
                List<Delivery> rows = new DeliveryAdmin(database, PeopleCommand.gate(config, database)).list(state, limit);
                System.out.println("id\tstate\tchannel\trecipient\treason\talert\tattempts\tnext attempt\tlast error");
                for (Delivery d : rows) {
                    System.out.println(d.id() + "\t" + d.state() + "\t" + d.channel() + "\t" + d.recipient() + "\t" + d.reason() + "\t"
                            + d.alertKey() + "\t" + d.attempts() + "\t" + (d.nextAttemptAt() == null ? "-" : d.nextAttemptAt()) + "\t"
                            + (d.lastError() == null ? "-" : d.lastError()));
                }
                if (rows.isEmpty()) {
                    System.out.println("(none)");
                }
            }
            return 0;
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true, description = "Send a dead delivery again (ID), or all of them (--all-dead).")
    static final class Replay implements Callable<Integer> {
        @CommandLine.ParentCommand
        DeliveriesCommand deliveries;
        @Parameters(index = "0", arity = "0..1", paramLabel = "ID")
        Long id;
        @Option(names = "--all-dead", description = "Replay every dead delivery.")
        boolean allDead;

        @Override
        public Integer call() {
            if ((id == null) == !allDead) {
                throw new IllegalArgumentException("give one delivery ID or --all-dead");
            }
            ReceiverConfig config = deliveries.parent.config();
            try (Database database = Database.open(config.database().jdbcUrl())) {
                DeliveryAdmin admin = new DeliveryAdmin(database, PeopleCommand.gate(config, database));
                List<Delivery> replayed = allDead ? admin.replayAllDead(CliActor.name()) : List.of(admin.replay(id, CliActor.name()));
                for (Delivery d : replayed) {
                    System.out.println("replaying " + d.id() + " (" + d.channel() + " to " + d.recipient() + ", " + d.alertKey() + ")");
                }
                System.out.println(replayed.size() + " delivery(ies) pending again; the running receiver sends them within seconds");
            }
            return 0;
        }
    }
}
