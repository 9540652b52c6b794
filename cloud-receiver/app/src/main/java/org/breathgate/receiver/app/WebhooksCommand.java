package org.breathgate.receiver.app;

import org.breathgate.receiver.care.delivery.Webhook;
import org.breathgate.receiver.care.delivery.Webhooks;
import org.breathgate.receiver.care.people.Organisations;
import org.breathgate.receiver.app.config.ReceiverConfig;
import org.breathgate.receiver.evidence.db.Database;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.concurrent.Callable;

/**
 * {@code breathgate-receiver webhooks add|list|disable}: an organisation's case-management endpoints. {@code add}
 * prints the new secret once; give it to the receiving system (the contract is in docs/care-workflow.md).
 */
@Command(name = "webhooks", mixinStandardHelpOptions = true, description = "Add, list or disable an organisation's alert webhooks.",
        subcommands = {WebhooksCommand.Add.class, WebhooksCommand.ListWebhooks.class, WebhooksCommand.Disable.class})
final class WebhooksCommand {

    @CommandLine.ParentCommand
    ReceiverMain parent;

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a webhook; prints its id and secret (shown only now).")
    static final class Add implements Callable<Integer> {
        @CommandLine.ParentCommand
        WebhooksCommand webhooks;
        @Option(names = "--organisation", required = true)
        String organisation;
        @Option(names = "--url", required = true, description = "https://... where alert bodies are POSTed.")
        URI url;

        @Override
        public Integer call() {
            ReceiverConfig config = webhooks.parent.config();
            Webhook.checkUrl(url);
            try (Database database = Database.open(config.database().jdbcUrl())) {
                if (new Organisations(database).find(organisation).isEmpty()) {
                    throw new IllegalArgumentException("no organisation " + organisation);
                }
                Webhook w = new Webhooks(database, new SecureRandom()).add(organisation, url, Instant.now());
                PeopleCommand.audited(PeopleCommand.gate(config, database), "webhook.created", "organisation", organisation,
                        w.id() + " " + url);
                System.out.println("added webhook " + w.id() + " for " + organisation + ": " + url);
                System.out.println("secret (give it to the receiving system; it is not shown again): " + w.secret());
                if (!"https".equalsIgnoreCase(url.getScheme())) {
                    System.err.println("warning: " + url + " is not https: alert bodies and signatures travel unencrypted");
                }
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List webhooks (without their secrets).")
    static final class ListWebhooks implements Callable<Integer> {
        @CommandLine.ParentCommand
        WebhooksCommand webhooks;

        @Override
        public Integer call() {
            try (Database database = Database.open(webhooks.parent.config().database().jdbcUrl())) {
                for (Webhook w : new Webhooks(database, new SecureRandom()).all()) {
                    System.out.println(w.id() + "\t" + w.organisationId() + "\t" + w.url() + "\t"
                            + (w.active() ? "active" : "disabled " + w.disabledAt()));
                }
            }
            return 0;
        }
    }

    @Command(name = "disable", mixinStandardHelpOptions = true, description = "Disable a webhook: nothing more is sent to it.")
    static final class Disable implements Callable<Integer> {
        @CommandLine.ParentCommand
        WebhooksCommand webhooks;
        @Parameters(index = "0", paramLabel = "WEBHOOK_ID")
        String id;

        @Override
        public Integer call() {
            ReceiverConfig config = webhooks.parent.config();
            try (Database database = Database.open(config.database().jdbcUrl())) {
                Webhooks all = new Webhooks(database, new SecureRandom());
                Webhook w = all.find(id).orElseThrow(() -> new IllegalArgumentException("no webhook " + id));
                all.disable(id, Instant.now());
                PeopleCommand.audited(PeopleCommand.gate(config, database), "webhook.disabled", "organisation", w.organisationId(), id);
            }
            System.out.println("disabled webhook " + id);
            return 0;
        }
    }
}
