package org.breathgate.receiver.app.web;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Debian's headless Chromium driven through Debian's chromedriver (classic WebDriver protocol), with a
 * fresh profile. Never downloads a browser: both paths are fixed, so Selenium Manager is not asked.
 *
 * <p>Every page it loads ({@link #open}, {@link #clickAndWait}, and so {@link #signIn} and {@link #language}) is checked by
 * {@link AccessibilityCheck}: axe-core's WCAG 2.0/2.1 A and AA rules and reflow at 1280 and 320 CSS pixels, in Finnish,
 * Swedish and English. A violation fails the test there, naming the rule and the element. A page another test adds is
 * checked without anything more to write.
 */
final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    final WebDriver driver;
    /** Checks every page this browser loads against WCAG 2.0/2.1 A and AA at 1280 and 320 pixels, in fi, sv and en. */
    final AccessibilityCheck accessibility;
    private final Path profile;
    private final Path screenshots;
    private final String baseUrl;

    Browser(String baseUrl, Path screenshots) throws IOException {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new IllegalStateException("the web UI tests need Debian's chromium and chromium-driver"
                    + " (apt-get install chromium chromium-driver; .ci/run installs them)");
        }
        this.baseUrl = baseUrl;
        this.screenshots = screenshots;
        this.profile = Files.createTempDirectory("breathgate-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--ignore-certificate-errors",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1280,1000", "--lang=fi-FI", "--accept-lang=fi-FI,fi",
                "--font-render-hinting=none");
        options.setExperimentalOption("prefs", java.util.Map.of("intl.accept_languages", "fi-FI,fi"));
        options.setAcceptInsecureCerts(true);
        options.setCapability("goog:loggingPrefs", java.util.Map.of("browser", "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort()
                .build();
        this.driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        this.accessibility = new AccessibilityCheck(driver, screenshots.resolveSibling("accessibility"));
    }

    /** Opens {@code path} (a GET) and checks the page's accessibility ({@link AccessibilityCheck}). */
    void open(String path) {
        driver.get(baseUrl + path);
        accessibility.check(false);
    }

    /** Opens {@code path} without the accessibility check: for a test that looks at one state of a page on purpose. */
    void openUnchecked(String path) {
        driver.get(baseUrl + path);
    }

    /** Signs in through the login form (and starts with no cookies, so no earlier session leaks in). */
    void signIn(String user, String password) {
        driver.manage().deleteAllCookies();
        open("/login");
        driver.findElement(By.id("username")).sendKeys(user);
        driver.findElement(By.id("password")).sendKeys(password);
        clickAndWait(driver.findElement(By.cssSelector("form[action='/login'] button[type=submit]")));
    }

    /**
     * Clicks something that loads a new page (a link, a form's button) and waits until the new page has replaced
     * the old one: a click may return as soon as the browser has sent the request.
     */
    void clickAndWait(WebElement element) {
        // A mark on the old document's window: a new document starts without it. (Waiting for the old
        // <html> element to go stale is not enough: ChromeDriver sometimes answers "does not belong to
        // the document" instead of "stale element" while the new page loads.)
        Object posts = ((JavascriptExecutor) driver).executeScript("window.__breathgateOldPage = true;"
                + " const f = arguments[0].form || arguments[0].closest('form');"
                + " return !!f && (f.getAttribute('method') || 'get').toLowerCase() === 'post';", element);
        element.click();
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> {
            try {
                return Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript(
                        "return window.__breathgateOldPage === undefined && document.readyState === 'complete';"));
            } catch (WebDriverException navigating) {
                return false; // between documents: ask again
            }
        });
        accessibility.check(Boolean.TRUE.equals(posts));
    }

    /** Switches the language with the header's links, as a person would. */
    void language(String code) {
        clickAndWait(driver.findElement(By.cssSelector(".languages a[hreflang='" + code + "']")));
    }

    /** What the page's console said since the last call: Content-Security-Policy refusals land here. */
    java.util.List<String> consoleMessages() {
        return driver.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll().stream()
                .map(org.openqa.selenium.logging.LogEntry::getMessage).toList();
    }

    String text() {
        return driver.findElement(By.tagName("body")).getText();
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    String path() {
        return java.net.URI.create(driver.getCurrentUrl()).getPath();
    }

    /** Saves the whole page as {@code name.png}: the window is made as tall as the page first. */
    Path screenshot(String name) {
        try {
            Files.createDirectories(screenshots);
            Object height = ((JavascriptExecutor) driver).executeScript(
                    "window.scrollTo(0, 0); return document.documentElement.scrollHeight");
            int h = Math.min(8000, Math.max(600, ((Number) height).intValue()));
            Dimension before = driver.manage().window().getSize();
            driver.manage().window().setSize(new Dimension(1280, h));
            byte[] png = ((ChromeDriver) driver).getScreenshotAs(OutputType.BYTES);
            driver.manage().window().setSize(before);
            Path file = screenshots.resolve(name + ".png");
            Files.write(file, png);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How wide the page is laid out in a window {@code width} pixels wide (wider than the window: it scrolls sideways). */
    int pageWidthAt(int width) {
        Dimension before = driver.manage().window().getSize();
        try {
            driver.manage().window().setSize(new Dimension(width, 844));
            return ((Number) ((JavascriptExecutor) driver).executeScript("return document.documentElement.scrollWidth")).intValue();
        } finally {
            driver.manage().window().setSize(before);
        }
    }

    /** Saves the whole page as a phone (390 CSS pixels wide) shows it. */
    Path screenshotAsPhone(String name) {
        Dimension before = driver.manage().window().getSize();
        try {
            driver.manage().window().setSize(new Dimension(390, 844));
            Object height = ((JavascriptExecutor) driver).executeScript(
                    "window.scrollTo(0, 0); return document.documentElement.scrollHeight");
            driver.manage().window().setSize(new Dimension(390, Math.min(8000, ((Number) height).intValue())));
            return save(name, ((ChromeDriver) driver).getScreenshotAs(OutputType.BYTES));
        } finally {
            driver.manage().window().setSize(before);
        }
    }

    /** Saves what the window shows now, from the top of the page (for the docs: the first screenful). */
    Path screenshotOfTop(String name) {
        ((JavascriptExecutor) driver).executeScript("window.scrollTo(0, 0)");
        return save(name, ((ChromeDriver) driver).getScreenshotAs(OutputType.BYTES));
    }

    /** Saves one element of the page, e.g. a section. */
    Path screenshotOf(String name, String css) {
        WebElement element = find(css);
        ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView(true)", element);
        return save(name, element.getScreenshotAs(OutputType.BYTES));
    }

    private Path save(String name, byte[] png) {
        try {
            Files.createDirectories(screenshots);
            Path file = screenshots.resolve(name + ".png");
            Files.write(file, png);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            accessibility.writeSummary();
        } finally {
            quit();
        }
    }

    private void quit() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a temporary profile left behind is harmless
            }
        }
    }
}
