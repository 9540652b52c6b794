package org.breathgate.care.access;

/** The two kinds of organisation that work with a parent. */
public enum OrganisationKind {
    /** The substance-abuse service that holds the client relationship and sets schedules. */
    SUBSTANCE_ABUSE_SERVICE,
    /** A child-protection unit, which may receive information only with the parent's consent. */
    CHILD_PROTECTION_UNIT
}
