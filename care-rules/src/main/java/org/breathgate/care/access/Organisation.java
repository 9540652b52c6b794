package org.breathgate.care.access;

import org.breathgate.care.Checks;

import java.util.Objects;

/**
 * An organisation whose workers use Breathgate.
 *
 * @param id   stable id
 * @param name display name, e.g. "Sodankylä substance-abuse service"
 * @param kind what kind of organisation it is
 */
public record Organisation(String id, String name, OrganisationKind kind) {

    public Organisation {
        Checks.id("id", id);
        Checks.text("name", name, 200);
        Objects.requireNonNull(kind, "kind");
    }
}
