package org.breathgate.receiver.app.web;

import com.deque.html.axecore.args.AxeRunOptions;
import com.deque.html.axecore.results.CheckedNode;
import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import org.breathgate.receiver.web.ui.AccessibilityStatement;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The accessibility check every page of the browser tests gets (issue 22): axe-core (Deque's {@code axe.min.js}, bundled in
 * its jar) with the WCAG 2.0 and 2.1 A and AA rules, at 1280 and at 320 CSS pixels (WCAG 1.4.10 reflow: 1280 px at 400 %
 * zoom), plus two checks axe does not make: at 320 px nothing but a scrolling region may stick out sideways, and the
 * page's {@code lang} is the language it was asked in. A page reached by a GET is checked in Finnish, Swedish and English
 * (the language cookie is set and the page loaded again, then the browser is put back as it was); the answer to a form's
 * POST only in the language the test used (it cannot be asked for again).
 *
 * <p>A violation fails at once with the rule, its help text, the page, the language, the width and each element. The
 * only tolerated findings are the known gaps of the accessibility statement that name an axe rule
 * ({@link AccessibilityStatement}, from {@code cloud-receiver/web/src/test/accessibility/statement.properties}): so the
 * published statement lists every exception the tests allow. Each distinct page (its path and the shape of its markup) is
 * checked once per browser; {@link #writeSummary()} writes how many pages and rules were checked.
 */
final class AccessibilityCheck {

    static final List<String> TAGS = List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa");
    static final int WIDE = 1280;
    static final int NARROW = 320;
    private static final List<String> LANGUAGES = List.of("fi", "sv", "en");
    private static final String LANG_COOKIE = "breathgate_lang";
    /**
     * Rules whose "needs review" answer is a failure here: axe cannot be sure a screen reader skips an {@code aria-label} on
     * an element whose role takes no name (a plain {@code span}), but several do, so the label must be real text.
     */
    private static final Set<String> REVIEW_FAILS = Set.of("aria-prohibited-attr");

    /** The markup's shape: element names, ids, classes and roles in order, without text or attribute values. */
    private static final String SHAPE = "return Array.from(document.querySelectorAll('body *')).map(e => e.tagName + '#' + e.id"
            + " + '.' + (typeof e.className === 'string' ? e.className : '') + '@' + (e.getAttribute('role') || '')).join(' ');";
    private static final String FACTS = "const n = performance.getEntriesByType('navigation')[0];"
            + " return [document.contentType, location.href, document.documentElement.getAttribute('lang') || '',"
            + " n ? n.redirectCount : 0];";
    /** Elements at least 1 px past the right edge whose overflow no scrolling ancestor holds (WCAG 1.4.10). */
    private static final String OVERFLOW = "const w = document.documentElement.clientWidth; const out = [];"
            + " const scrolls = e => { for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {"
            + "   const o = getComputedStyle(a).overflowX; if (o === 'auto' || o === 'scroll' || o === 'hidden') return true; }"
            + "   return false; };"
            + " for (const e of document.body.querySelectorAll('*')) { const r = e.getBoundingClientRect();"
            + "   if (r.width > 0 && r.right > w + 1 && !scrolls(e)) {"
            + "     out.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ?"
            + "       '.' + e.className.trim().split(/\\s+/).join('.') : '') + ' (right edge ' + Math.round(r.right) + ' px)'); } }"
            + " return [document.documentElement.scrollWidth, w, out.slice(0, 10), window.innerWidth];";

    private final WebDriver driver;
    private final Path reportFolder;
    private final AccessibilityStatement statement = AccessibilityStatement.load();
    private final Set<String> seen = new HashSet<>();
    private final Set<String> rulesRun = new TreeSet<>();
    private final Set<String> rulesPassed = new TreeSet<>();
    private final List<String> checked = new ArrayList<>();
    private final Set<String> toleratedSeen = new TreeSet<>();
    /** Rules axe could not decide (for a person to review), with where. */
    private final Set<String> needsReview = new TreeSet<>();

    /**
     * axe runs every rule on every element either way; this only keeps it from sending back every element that passed
     * (each passed or inapplicable rule still comes back, with one element): violations and "needs review" come back whole.
     * Sending and parsing all the passes took about a sixth of each check's time (measured on a 300-element page).
     */
    private static AxeRunOptions reported() {
        AxeRunOptions options = new AxeRunOptions();
        options.setResultTypes(List.of("violations", "incomplete"));
        return options;
    }

    AccessibilityCheck(WebDriver driver, Path reportFolder) {
        this.driver = driver;
        this.reportFolder = reportFolder;
    }

    private JavascriptExecutor js() {
        return (JavascriptExecutor) driver;
    }

    /**
     * Checks the page the browser shows now, unless a page of the same path and shape was checked already.
     *
     * @param answerToPost whether a form's POST brought this page (then, unless a redirect followed, it cannot be asked for
     *                     again in another language)
     */
    void check(boolean answerToPost) {
        List<?> facts = (List<?>) js().executeScript(FACTS);
        String type = (String) facts.get(0);
        if (!"text/html".equals(type)) {
            return; // an image, a PDF, a JSON download: not a page
        }
        URI url = URI.create((String) facts.get(1));
        String lang = (String) facts.get(2);
        boolean refetchable = !answerToPost || ((Number) facts.get(3)).intValue() > 0;
        String key = url.getPath() + "?" + url.getQuery() + " " + sha256((String) js().executeScript(SHAPE));
        if (!seen.add(key)) {
            return;
        }
        checkAtBothWidths(url, lang, lang);
        if (!refetchable) {
            return;
        }
        Cookie original = driver.manage().getCookieNamed(LANG_COOKIE);
        // Without its #fragment: a change of fragment alone would not load the page again.
        String page = url.getFragment() == null ? url.toString() : url.toString().substring(0, url.toString().indexOf('#'));
        try {
            for (String other : LANGUAGES) {
                if (!other.equals(lang)) {
                    setLanguage(other);
                    driver.get(page);
                    checkAtBothWidths(url, other, (String) ((List<?>) js().executeScript(FACTS)).get(2));
                }
            }
        } finally {
            driver.manage().deleteCookieNamed(LANG_COOKIE);
            if (original != null) {
                driver.manage().addCookie(original);
            }
            driver.get(page);
            if (!page.equals(url.toString())) {
                driver.get(url.toString()); // back to the fragment, in the same document
            }
        }
    }

    private void setLanguage(String code) {
        driver.manage().deleteCookieNamed(LANG_COOKIE);
        driver.manage().addCookie(new Cookie.Builder(LANG_COOKIE, code).path("/").isSecure(true).isHttpOnly(true).build());
    }

    private void checkAtBothWidths(URI url, String asked, String pageLang) {
        String where = url.getPath() + (url.getQuery() == null ? "" : "?" + url.getQuery()) + " [" + asked + "]";
        if (!asked.equals(pageLang)) {
            throw new AssertionError("accessibility: " + where + " came in language '" + pageLang + "' (html lang), not '" + asked
                    + "' (WCAG 3.1.1)");
        }
        axe(where + " at " + WIDE + " px");
        ChromeDriver chrome = (ChromeDriver) driver;
        chrome.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", NARROW, "height", 800, "deviceScaleFactor", 1,
                "mobile", false));
        try {
            String narrow = where + " at " + NARROW + " px";
            List<?> overflow = (List<?>) js().executeScript(OVERFLOW);
            int scrollWidth = ((Number) overflow.get(0)).intValue();
            int width = ((Number) overflow.get(1)).intValue(); // the window less its scroll bar
            int window = ((Number) overflow.get(3)).intValue();
            if (window != NARROW) {
                throw new IllegalStateException("the browser did not lay the page out " + NARROW + " px wide but " + window);
            }
            if (scrollWidth > width) {
                throw new AssertionError("accessibility: " + narrow + ": the page scrolls sideways (" + scrollWidth + " px wide),"
                        + " WCAG 1.4.10 reflow; sticking out: " + overflow.get(2));
            }
            axe(narrow);
        } finally {
            chrome.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }
    }

    private void axe(String where) {
        Results results = new AxeBuilder().withOptions(reported()).withTags(TAGS).setLegacyMode(true).analyze(driver);
        if (results.isErrored()) {
            throw new IllegalStateException("axe-core could not check " + where + ": " + results.getErrorMessage());
        }
        for (List<Rule> rules : List.of(results.getPasses(), results.getViolations(), results.getIncomplete(), results.getInapplicable())) {
            rules.forEach(r -> rulesRun.add(r.getId()));
        }
        results.getPasses().forEach(r -> rulesPassed.add(r.getId()));
        List<String> failures = new ArrayList<>();
        List<Rule> failing = new ArrayList<>(results.getViolations());
        for (Rule rule : results.getIncomplete()) {
            if (REVIEW_FAILS.contains(rule.getId())) {
                failing.add(rule);
            } else {
                for (CheckedNode node : rule.getNodes()) {
                    String why = node.getAny() == null || node.getAny().isEmpty() ? String.valueOf(node.getFailureSummary())
                            : node.getAny().get(0).getMessage();
                    needsReview.add(rule.getId() + ": " + why + " — " + node.getTarget() + " on " + where);
                }
            }
        }
        for (Rule rule : failing) {
            for (CheckedNode node : rule.getNodes()) {
                String target = String.valueOf(node.getTarget());
                var gap = statement.toleratedGap(rule.getId(), target);
                if (gap.isPresent()) {
                    toleratedSeen.add(gap.get().id());
                    continue;
                }
                failures.add(rule.getId() + " (" + rule.getImpact() + "): " + rule.getHelp() + "\n    element " + target + ": "
                        + node.getHtml() + "\n    " + String.valueOf(node.getFailureSummary()).replace("\n", "\n    "));
            }
        }
        checked.add(where);
        if (!failures.isEmpty()) {
            throw new AssertionError("accessibility: " + where + " breaks " + failures.size() + " WCAG 2.1 A/AA check(s) (axe-core "
                    + results.getTestEngine().getVersion() + "):\n  " + String.join("\n  ", failures));
        }
    }

    /** Pages checked (each path and shape × language × width) and the rules run, for the report. */
    String summary() {
        return seen.size() + " distinct pages, " + checked.size() + " checks (page × language × width), " + rulesRun.size()
                + " axe rules run (" + rulesPassed.size() + " passed somewhere, the rest did not apply), tolerated known gaps: "
                + (toleratedSeen.isEmpty() ? "none" : toleratedSeen);
    }

    /** Appends {@link #summary()} and the pages checked to {@code <build dir>/accessibility/}. */
    void writeSummary() {
        try {
            Files.createDirectories(reportFolder);
            Files.writeString(reportFolder.resolve("summary.txt"), summary() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            Files.write(reportFolder.resolve("pages.txt"), checked, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            Files.write(reportFolder.resolve("rules.txt"), rulesRun, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            Files.write(reportFolder.resolve("needs-review.txt"), needsReview, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
