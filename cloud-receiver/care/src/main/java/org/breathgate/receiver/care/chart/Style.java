package org.breathgate.receiver.care.chart;

/**
 * How a chart draws each kind of thing: a shape and a colour, so it reads without colour vision too. The colours are those of
 * the web's stylesheet (each at least 4.5:1 on white); the PDF uses the same values.
 */
public enum Style {
    /** A test under the threshold: a filled circle. */
    PASS(Shape.CIRCLE, Colours.OK),
    /** A test that showed alcohol: a diamond. */
    FAIL(Shape.DIAMOND, Colours.ATTENTION),
    /** The ring around a retest, and the dashed line joining it to the test it confirms. */
    RETEST(Shape.RING, Colours.BRAND),
    /** The bar over the time an event with an unsynchronised clock can have happened in (its mark is drawn hollow). */
    UNCERTAIN(Shape.BAR, Colours.MUTED),
    /** A missed test: a cross in the band below the axis. */
    MISSED(Shape.CROSS, Colours.ATTENTION),
    /** A missed test a worker excused: the cross, muted. */
    MISSED_EXCUSED(Shape.CROSS, Colours.MUTED),
    /** A test without a valid sample: a square in the band below the axis. */
    NO_SAMPLE(Shape.SQUARE, Colours.MUTED),
    /** A device signal (fault, tampering): a triangle in the band above. */
    TAMPER(Shape.TRIANGLE, Colours.SIGNAL),
    /** A request for support: a circle with a plus in the band above. */
    SUPPORT(Shape.PLUS_CIRCLE, Colours.BRAND),
    /** The client's threshold: a dashed line. */
    THRESHOLD(Shape.DASHED_LINE, Colours.ATTENTION);

    /** The shapes the chart draws. */
    public enum Shape { CIRCLE, DIAMOND, RING, BAR, CROSS, SQUARE, TRIANGLE, PLUS_CIRCLE, DASHED_LINE }

    private final Shape shape;
    private final String colour;

    Style(Shape shape, String colour) {
        this.shape = shape;
        this.colour = colour;
    }

    public Shape shape() {
        return shape;
    }

    /** The colour as {@code #rrggbb}. */
    public String colour() {
        return colour;
    }

    /** The colour's red, green and blue, each 0-1 (for the PDF). */
    public float[] rgb() {
        int v = Integer.parseInt(colour.substring(1), 16);
        return new float[] {((v >> 16) & 0xff) / 255f, ((v >> 8) & 0xff) / 255f, (v & 0xff) / 255f};
    }

    private static final class Colours {
        static final String OK = "#1e6b34";
        static final String ATTENTION = "#8a3b00";
        static final String BRAND = "#0b4f8a";
        static final String MUTED = "#4d4d4d";
        static final String SIGNAL = "#5a2d82";
    }
}
