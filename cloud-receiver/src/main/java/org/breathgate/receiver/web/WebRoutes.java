package org.breathgate.receiver.web;

import io.javalin.config.RoutesConfig;

/** A feature's HTTP endpoints (enrollment today; the web UI and REST API later), added to the {@link WebServer}. */
@FunctionalInterface
public interface WebRoutes {

    /** Adds this feature's endpoints. Handlers signal errors by throwing {@link ApiException}. */
    void register(RoutesConfig routes);
}
