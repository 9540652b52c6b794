package org.breathgate.receiver.https;

import io.javalin.config.RoutesConfig;

/** A feature's HTTP endpoints (enrollment today; the web UI and REST API later), added to the {@link HttpsServer}. */
@FunctionalInterface
public interface HttpsRoutes {

    /** Adds this feature's endpoints. Handlers signal errors by throwing {@link ApiException}. */
    void register(RoutesConfig routes);
}
