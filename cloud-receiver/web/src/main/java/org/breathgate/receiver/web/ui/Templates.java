package org.breathgate.receiver.web.ui;

import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.extension.AbstractExtension;
import io.pebbletemplates.pebble.extension.Function;
import io.pebbletemplates.pebble.loader.ClasspathLoader;
import io.pebbletemplates.pebble.template.EvaluationContext;
import io.pebbletemplates.pebble.template.PebbleTemplate;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The page templates ({@code ui/templates/*.peb} on the classpath), rendered with Pebble. Every
 * {@code {{ value }}} is HTML-escaped by default (autoescaping stays on; the one {@code |raw} output is
 * the chart, whose text {@link TimelineChart} escapes itself). Templates extend {@code layout.peb}, which
 * other features' pages can extend too (block {@code content}; see docs/ui.md).
 *
 * <p>Texts come through the function {@code t(key, args...)}, in the language the page is rendered for.
 */
final class Templates {

    private final PebbleEngine engine;

    public Templates(Messages messages) {
        Objects.requireNonNull(messages, "messages");
        ClasspathLoader loader = new ClasspathLoader(Templates.class.getClassLoader());
        loader.setPrefix("ui/templates");
        loader.setSuffix(".peb");
        this.engine = new PebbleEngine.Builder()
                .loader(loader)
                .autoEscaping(true)
                .defaultEscapingStrategy("html")
                .strictVariables(false)
                .newLineTrimming(true)
                .extension(new AbstractExtension() {
                    @Override
                    public Map<String, Function> getFunctions() {
                        return Map.of("t", new Translate(messages));
                    }
                })
                .build();
    }

    /** Renders template {@code name} (without {@code .peb}) with {@code model} in {@code lang}. */
    public String render(String name, Map<String, Object> model, Lang lang) {
        PebbleTemplate template = engine.getTemplate(name);
        StringWriter out = new StringWriter(8192);
        try {
            template.evaluate(out, model, lang.locale());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot render page " + name, e);
        }
        return out.toString();
    }

    /** {@code t("key", arg0, arg1, ...)}: the text in the page's language. */
    private static final class Translate implements Function {
        private final Messages messages;

        Translate(Messages messages) {
            this.messages = messages;
        }

        @Override
        public List<String> getArgumentNames() {
            return null; // positional: "0", "1", ...
        }

        @Override
        public Object execute(Map<String, Object> args, PebbleTemplate self, EvaluationContext context, int lineNumber) {
            Object key = args.get("0");
            List<Object> rest = new ArrayList<>();
            for (int i = 1; args.containsKey(Integer.toString(i)); i++) {
                rest.add(args.get(Integer.toString(i)));
            }
            Lang lang = Lang.of(context.getLocale().getLanguage()).orElse(Lang.FI);
            return messages.get(lang, String.valueOf(key), rest.toArray());
        }
    }
}
