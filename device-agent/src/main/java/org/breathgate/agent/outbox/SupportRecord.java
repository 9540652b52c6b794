package org.breathgate.agent.outbox;

import java.time.Instant;
import org.breathgate.protocol.SupportNeed;
import org.breathgate.protocol.SupportReply;

/**
 * What the device knows of one of the parent's support requests: what was asked, whether the receiver has
 * stored it, and the service's latest word on it.
 *
 * @param seq         the request's sequence number
 * @param need        what the parent needs (null only for a request without one)
 * @param needChosen  whether the parent chose it (false: the menu ended without a choice)
 * @param madeAt      when it was made (the device's wall clock)
 * @param delivered   whether the receiver has acknowledged it as stored
 * @param refused     the receiver's reason when it quarantined the request, else null
 * @param state       the service's word: null until a reply arrives, then seen or closed
 * @param by          who saw or closed it, else null
 * @param contactFrom when contact is expected from, if the service said
 * @param contactBefore when contact is expected by, if the service said
 * @param replyIssued when the receiver issued the reply last applied, else null
 * @param answeredAt  when that reply arrived here (the device's wall clock), else null
 */
public record SupportRecord(long seq, SupportNeed need, boolean needChosen, Instant madeAt, boolean delivered, String refused,
                            SupportReply.State state, SupportReply.Role by, Instant contactFrom, Instant contactBefore,
                            Instant replyIssued, Instant answeredAt) {

    /** Not refused and not closed: the parent may still be waiting. */
    public boolean open() {
        return refused == null && state != SupportReply.State.CLOSED;
    }

    /** Someone at the service has seen it, and it is not closed. */
    public boolean seen() {
        return state == SupportReply.State.SEEN;
    }
}
