package org.breathgate.receiver.web.ui;

import org.breathgate.care.access.Actor;
import org.breathgate.receiver.care.Care;
import org.breathgate.receiver.care.history.WhoLooked;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The parent's "who looked" section ({@code me.peb}): each look in plain words, from the care room's {@link WhoLooked}. */
final class WhoLookedView {

    private WhoLookedView() {
    }

    /** Puts {@code looks} (a list of rows with {@code when}, {@code whoKey}, {@code whoArgs}, {@code whatKey}, {@code whyKey}) into the model. */
    static void put(Map<String, Object> model, Care care, Actor parent, Lang lang, ZoneId zone) {
        List<WhoLooked.Look> looks = care.whoLooked().of(parent, parent.clientId());
        Map<String, String> names = care.caseloads().organisationNames();
        Formats fmt = new Formats(lang, zone);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (WhoLooked.Look l : looks) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("when", fmt.dateTime(l.at()));
            String org = l.organisationId() == null ? null : names.getOrDefault(l.organisationId(), l.organisationId());
            if (l.role() == null) {
                row.put("whoKey", "looked.who.gone");
            } else if (l.workerName() != null) {
                row.put("whoKey", org == null ? "looked.who.named" : "looked.who.named_org");
            } else {
                row.put("whoKey", org == null ? "looked.who.role" : "looked.who.role_org");
            }
            row.put("name", l.workerName());
            row.put("roleKey", l.role() == null ? "" : "looked.role." + l.role().name().toLowerCase(Locale.ROOT));
            row.put("org", org);
            row.put("whatKey", "looked.what." + l.what().name().toLowerCase(Locale.ROOT));
            row.put("whyKey", "looked.why." + l.why().name().toLowerCase(Locale.ROOT));
            rows.add(row);
        }
        model.put("looks", rows);
    }
}
