package org.breathgate.care.access;

/** What a person does in the care workflow; each has the least access that job needs. */
public enum Role {
    /** Works with the parent in the substance-abuse service; sees their own organisation's clients. */
    SUBSTANCE_ABUSE_WORKER,
    /** Works in a child-protection unit; sees a client's data only while the parent's consent covers it. */
    CHILD_PROTECTION_WORKER,
    /** Installs and looks after devices; never sees results. */
    TECHNICIAN,
    /** Manages accounts, devices, retention and the audit log; never sees results (separation of duties). */
    ADMINISTRATOR,
    /** The parent (client), in their own view: sees their own data only. */
    PARENT
}
