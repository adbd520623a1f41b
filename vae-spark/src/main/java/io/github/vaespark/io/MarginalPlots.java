package io.github.vaespark.io;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Real-versus-synthetic marginals of a table, one small panel per column, drawn with Java2D from
 * counts aggregated elsewhere: overlaid histograms for a continuous column, side-by-side bars per
 * level for a categorical or boolean one, and each side's share of missing values in the panel's
 * title. Bars show shares of each side's non-missing rows, so tables of different sizes compare.
 */
public final class MarginalPlots {
    /** Real data: blue; synthetic: orange (translucent where they overlap). */
    static final Color REAL = new Color(31, 119, 180);
    static final Color SYNTHETIC = new Color(255, 127, 14);
    /** Levels drawn per categorical panel; the rest are summed into "other". */
    static final int MAX_LEVELS = 12;
    private static final int PANEL_W = 360;
    private static final int PANEL_H = 240;
    private static final int COLUMNS = 3;
    private static final int HEADER = 64;

    private MarginalPlots() {
    }

    /**
     * One column's counts on both sides.
     *
     * @param name the column
     * @param kind "continuous", "categorical" or "binary"; or "date", "timestamp" or "timestamp_ntz"
     *     for a continuous column of days since 1970-01-01 or seconds since the epoch, whose axis shows dates
     * @param levels the level names of a categorical or binary column (one per count), or null for a
     *     continuous one, whose counts are equal-width bins of [lo, hi]
     * @param real non-missing real rows per level or bin
     * @param synthetic non-missing synthetic rows per level or bin
     * @param realMissing real rows with a missing value
     * @param syntheticMissing synthetic rows with a missing value
     */
    public record Marginal(String name, String kind, List<String> levels, double lo, double hi, long[] real,
                           long[] synthetic, long realMissing, long syntheticMissing) {
        public Marginal {
            Objects.requireNonNull(name, "name");
            if (real.length != synthetic.length || (levels != null && levels.size() != real.length)) {
                throw new IllegalArgumentException("Column '" + name + "': real, synthetic and levels differ in "
                        + "length (" + real.length + ", " + synthetic.length + ", "
                        + (levels == null ? "bins" : levels.size()) + ")");
            }
        }

        /** A continuous column: counts in equal-width bins of [lo, hi]. */
        public static Marginal continuous(String name, double lo, double hi, long[] real, long[] synthetic,
                                          long realMissing, long syntheticMissing) {
            return new Marginal(name, "continuous", null, lo, hi, real, synthetic, realMissing, syntheticMissing);
        }

        /** A categorical or binary column: counts per level. */
        public static Marginal levels(String name, String kind, List<String> levels, long[] real, long[] synthetic,
                                      long realMissing, long syntheticMissing) {
            return new Marginal(name, kind, List.copyOf(levels), 0, 0, real, synthetic, realMissing, syntheticMissing);
        }

        double realMissingRate() {
            return rate(realMissing, sum(real) + realMissing);
        }

        double syntheticMissingRate() {
            return rate(syntheticMissing, sum(synthetic) + syntheticMissing);
        }
    }

    /** All panels in a grid of three per row, under {@code title} and a legend. */
    public static BufferedImage draw(String title, List<Marginal> marginals) {
        if (marginals.isEmpty()) {
            throw new IllegalArgumentException("No columns to draw");
        }
        int rows = (marginals.size() + COLUMNS - 1) / COLUMNS;
        int width = COLUMNS * PANEL_W + 20;
        BufferedImage img = new BufferedImage(width, HEADER + rows * PANEL_H + 10, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.setColor(Color.BLACK);
        g.drawString(title, 12, 24);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        legend(g, 12, 44, REAL, "real");
        legend(g, 90, 44, SYNTHETIC, "synthetic");
        g.setColor(Color.DARK_GRAY);
        g.drawString("bars: share of each side's non-missing rows", 210, 44);
        for (int i = 0; i < marginals.size(); i++) {
            panel(g, marginals.get(i), 10 + (i % COLUMNS) * PANEL_W, HEADER + (i / COLUMNS) * PANEL_H);
        }
        g.dispose();
        return img;
    }

    private static void legend(Graphics2D g, int x, int y, Color color, String text) {
        g.setColor(translucent(color));
        g.fillRect(x, y - 11, 14, 14);
        g.setColor(Color.BLACK);
        g.drawString(text, x + 20, y + 1);
    }

    private static void panel(Graphics2D g, Marginal m, int x, int y) {
        int left = x + 40;
        int top = y + 44;
        int w = PANEL_W - 60;
        int h = PANEL_H - 92;
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.setColor(Color.BLACK);
        g.drawString(fit(g, m.name() + " (" + m.kind() + ")", PANEL_W - 20), x + 4, y + 16);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(Color.DARK_GRAY);
        g.drawString(String.format(Locale.ROOT, "missing: real %.1f%%, synthetic %.1f%%",
                100 * m.realMissingRate(), 100 * m.syntheticMissingRate()), x + 4, y + 32);
        Bars bars = m.levels() == null ? new Bars(null, m.real(), m.synthetic()) : grouped(m);
        double[] real = shares(bars.real());
        double[] synthetic = shares(bars.synthetic());
        double max = 1e-12;
        for (int i = 0; i < real.length; i++) {
            max = Math.max(max, Math.max(real[i], synthetic[i]));
        }
        max *= 1.08;
        g.setColor(new Color(225, 225, 225));
        for (int t = 1; t <= 4; t++) {
            int gy = top + h - (int) Math.round(t / 4.0 * h);
            g.drawLine(left, gy, left + w, gy);
        }
        g.setColor(Color.DARK_GRAY);
        g.drawString(percent(max), x + 2, top + 10);
        g.drawString("0", x + 24, top + h + 4);
        int n = real.length;
        if (m.levels() == null) {
            for (int b = 0; b < n; b++) {
                int x0 = left + (int) Math.round((double) b * w / n);
                int x1 = left + (int) Math.round((double) (b + 1) * w / n);
                bar(g, x0, x1 - x0, top, h, real[b] / max, REAL);
                bar(g, x0, x1 - x0, top, h, synthetic[b] / max, SYNTHETIC);
            }
            g.setColor(Color.DARK_GRAY);
            g.drawString(axisLabel(m, m.lo()), left - 10, top + h + 16);
            String hi = axisLabel(m, m.hi());
            g.drawString(hi, left + w - g.getFontMetrics().stringWidth(hi) + 10, top + h + 16);
            String mid = axisLabel(m, (m.lo() + m.hi()) / 2);
            g.drawString(mid, left + w / 2 - g.getFontMetrics().stringWidth(mid) / 2, top + h + 16);
        } else {
            double slot = (double) w / n;
            int barW = Math.max(1, (int) (slot * 0.4));
            for (int k = 0; k < n; k++) {
                int cx = left + (int) Math.round((k + 0.5) * slot);
                bar(g, cx - barW, barW, top, h, real[k] / max, REAL);
                bar(g, cx, barW, top, h, synthetic[k] / max, SYNTHETIC);
                g.setColor(Color.DARK_GRAY);
                String label = fit(g, bars.labels().get(k), (int) slot - 2);
                g.drawString(label, cx - g.getFontMetrics().stringWidth(label) / 2, top + h + 16);
            }
        }
        g.setColor(Color.GRAY);
        g.drawRect(left, top, w, h);
    }

    private static void bar(Graphics2D g, int x, int width, int top, int h, double fraction, Color color) {
        int bh = (int) Math.round(fraction * h);
        g.setColor(translucent(color));
        g.fillRect(x, top + h - bh, Math.max(1, width), bh);
    }

    /** Levels beyond {@link #MAX_LEVELS} summed into "other". */
    private static Bars grouped(Marginal m) {
        if (m.levels().size() <= MAX_LEVELS) {
            return new Bars(m.levels(), m.real(), m.synthetic());
        }
        List<String> labels = new ArrayList<>(m.levels().subList(0, MAX_LEVELS - 1));
        labels.add("other");
        long[] real = new long[MAX_LEVELS];
        long[] synthetic = new long[MAX_LEVELS];
        for (int k = 0; k < m.levels().size(); k++) {
            int slot = Math.min(k, MAX_LEVELS - 1);
            real[slot] += m.real()[k];
            synthetic[slot] += m.synthetic()[k];
        }
        return new Bars(labels, real, synthetic);
    }

    private record Bars(List<String> labels, long[] real, long[] synthetic) {
    }

    private static double[] shares(long[] counts) {
        double total = sum(counts);
        double[] out = new double[counts.length];
        for (int i = 0; i < counts.length; i++) {
            out[i] = total > 0 ? counts[i] / total : 0;
        }
        return out;
    }

    private static long sum(long[] counts) {
        long s = 0;
        for (long c : counts) {
            s += c;
        }
        return s;
    }

    private static double rate(long part, long total) {
        return total > 0 ? (double) part / total : 0;
    }

    private static Color translucent(Color c) {
        return new Color(c.getRed(), c.getGreen(), c.getBlue(), 140);
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.0f%%", 100 * share);
    }

    /**
     * A continuous axis value: a number, or the date (timestamps spanning under two days: time of
     * day too, UTC; a {@code timestamp_ntz}'s on its own clock).
     */
    static String axisLabel(Marginal m, double v) {
        if ("date".equals(m.kind())) {
            return java.time.LocalDate.ofEpochDay(Math.round(v)).toString();
        }
        if ("timestamp".equals(m.kind()) || "timestamp_ntz".equals(m.kind())) {
            java.time.LocalDateTime t = java.time.LocalDateTime.ofEpochSecond(Math.round(v), 0,
                    java.time.ZoneOffset.UTC);
            return t.format(java.time.format.DateTimeFormatter.ofPattern(
                    m.hi() - m.lo() < 2 * 86_400 ? "MM-dd HH:mm" : "yyyy-MM-dd", Locale.ROOT));
        }
        return number(v);
    }

    private static String number(double v) {
        return Math.abs(v) >= 100 || v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v)
                : String.format(Locale.ROOT, "%.2f", v);
    }

    /** {@code text}, cut with an ellipsis to fit {@code width} pixels. */
    private static String fit(Graphics2D g, String text, int width) {
        FontMetrics fm = g.getFontMetrics();
        if (fm.stringWidth(text) <= width) {
            return text;
        }
        String cut = text;
        while (cut.length() > 1 && fm.stringWidth(cut + "…") > width) {
            cut = cut.substring(0, cut.length() - 1);
        }
        return cut + "…";
    }
}
