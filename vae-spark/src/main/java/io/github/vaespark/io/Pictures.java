package io.github.vaespark.io;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Small, dependency-free charts and image grids rendered with Java2D (headless), for the example
 * run and notebooks: loss curves, a labelled 2-D scatter, and grids of square grey-level images.
 */
public final class Pictures {
    private static final Color[] PALETTE = {
        new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44), new Color(214, 39, 40),
        new Color(148, 103, 189), new Color(140, 86, 75), new Color(227, 119, 194), new Color(127, 127, 127),
        new Color(188, 189, 34), new Color(23, 190, 207)};
    private static final int MARGIN = 60;

    private Pictures() {
    }

    /** One named line of a chart. */
    public record Series(String name, double[] values) {
    }

    /** A line chart of series over epochs 1 … n (NaN points are skipped). */
    public static BufferedImage lineChart(String title, String yLabel, List<Series> series) {
        int w = 720;
        int h = 420;
        BufferedImage img = canvas(w, h);
        Graphics2D g = graphics(img);
        int n = series.stream().mapToInt(s -> s.values().length).max().orElse(0);
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double v : s.values()) {
                if (Double.isFinite(v)) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        if (!(min < max)) {
            min = Double.isFinite(min) ? min - 1 : 0;
            max = min + 2;
        }
        double pad = 0.05 * (max - min);
        Axes axes = new Axes(MARGIN, 40, w - MARGIN - 150, h - 40 - MARGIN, 1, Math.max(2, n), min - pad, max + pad);
        axes.draw(g, title, "epoch", yLabel);
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            g.setColor(PALETTE[k % PALETTE.length]);
            g.setStroke(new BasicStroke(2.2f));
            int px = -1;
            int py = -1;
            for (int i = 0; i < s.values().length; i++) {
                double v = s.values()[i];
                if (!Double.isFinite(v)) {
                    continue;
                }
                int x = axes.x(i + 1);
                int y = axes.y(v);
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                g.fillOval(x - 3, y - 3, 6, 6);
                px = x;
                py = y;
            }
            g.fillRect(w - 140, 50 + 22 * k, 14, 14);
            g.setColor(Color.BLACK);
            g.drawString(s.name(), w - 120, 62 + 22 * k);
        }
        g.dispose();
        return img;
    }

    /** A scatter plot of points coloured by integer label (labels below 0 are grey). */
    public static BufferedImage scatter(String title, String xLabel, String yLabel, double[] xs, double[] ys,
                                        int[] labels, List<String> labelNames) {
        int w = 720;
        int h = 600;
        BufferedImage img = canvas(w, h);
        Graphics2D g = graphics(img);
        Axes axes = new Axes(MARGIN, 40, w - MARGIN - 150, h - 40 - MARGIN, min(xs), max(xs), min(ys), max(ys));
        axes.draw(g, title, xLabel, yLabel);
        for (int i = 0; i < xs.length; i++) {
            g.setColor(labels[i] < 0 ? Color.GRAY : alpha(PALETTE[labels[i] % PALETTE.length], 150));
            g.fillOval(axes.x(xs[i]) - 2, axes.y(ys[i]) - 2, 4, 4);
        }
        for (int k = 0; k < labelNames.size(); k++) {
            g.setColor(PALETTE[k % PALETTE.length]);
            g.fillRect(w - 140, 50 + 22 * k, 14, 14);
            g.setColor(Color.BLACK);
            g.drawString(labelNames.get(k), w - 120, 62 + 22 * k);
        }
        g.dispose();
        return img;
    }

    /** A histogram of {@code values} in {@code bins} equal-width bins (non-finite values are ignored). */
    public static BufferedImage histogram(String title, String xLabel, double[] values, int bins) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            if (Double.isFinite(v)) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        if (!(lo < hi)) {
            lo = Double.isFinite(lo) ? lo - 0.5 : 0;
            hi = lo + 1;
        }
        int[] counts = new int[bins];
        for (double v : values) {
            if (Double.isFinite(v)) {
                counts[Math.min(bins - 1, (int) ((v - lo) / (hi - lo) * bins))]++;
            }
        }
        int max = 1;
        for (int c : counts) {
            max = Math.max(max, c);
        }
        int w = 720;
        int h = 420;
        BufferedImage img = canvas(w, h);
        Graphics2D g = graphics(img);
        Axes axes = new Axes(MARGIN, 40, w - 2 * MARGIN, h - 40 - MARGIN, lo, hi, 0, max * 1.05);
        axes.draw(g, title, xLabel, "rows");
        g.setColor(PALETTE[0]);
        for (int b = 0; b < bins; b++) {
            int x0 = axes.x(lo + b * (hi - lo) / bins);
            int x1 = axes.x(lo + (b + 1) * (hi - lo) / bins);
            int y = axes.y(counts[b]);
            g.fillRect(x0, y, Math.max(1, x1 - x0 - 1), axes.y(0) - y);
        }
        g.dispose();
        return img;
    }

    /**
     * A grid of square grey-level images (values in [0, 1], row-major pixels), {@code columns}
     * per row, each scaled up by {@code zoom}; a title above.
     */
    public static BufferedImage imageGrid(String title, List<double[]> images, int columns, int zoom) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("No images to draw");
        }
        int side = (int) Math.round(Math.sqrt(images.get(0).length));
        if (side * side != images.get(0).length) {
            throw new IllegalArgumentException("Images of " + images.get(0).length + " pixels are not square");
        }
        int rows = (images.size() + columns - 1) / columns;
        int cell = side * zoom + 4;
        BufferedImage img = canvas(columns * cell + 8, rows * cell + 40);
        Graphics2D g = graphics(img);
        g.setColor(Color.BLACK);
        g.drawString(title, 8, 22);
        for (int k = 0; k < images.size(); k++) {
            double[] px = images.get(k);
            int ox = 6 + (k % columns) * cell;
            int oy = 34 + (k / columns) * cell;
            for (int r = 0; r < side; r++) {
                for (int c = 0; c < side; c++) {
                    int v = (int) Math.round(255 * (1 - Math.max(0, Math.min(1, px[r * side + c]))));
                    g.setColor(new Color(v, v, v));
                    g.fillRect(ox + c * zoom, oy + r * zoom, zoom, zoom);
                }
            }
        }
        g.dispose();
        return img;
    }

    /** Writes {@code image} as a PNG file, creating parent directories. */
    public static File savePng(BufferedImage image, String path) {
        File file = new File(path);
        if (file.getParentFile() != null) {
            file.getParentFile().mkdirs();
        }
        try {
            ImageIO.write(image, "png", file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + path, e);
        }
        return file;
    }

    private static BufferedImage canvas(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.dispose();
        return img;
    }

    private static Graphics2D graphics(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        return g;
    }

    private static Color alpha(Color c, int a) {
        return new Color(c.getRed(), c.getGreen(), c.getBlue(), a);
    }

    private static double min(double[] v) {
        double m = Double.POSITIVE_INFINITY;
        for (double x : v) {
            m = Math.min(m, x);
        }
        return m;
    }

    private static double max(double[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            m = Math.max(m, x);
        }
        return m;
    }

    /** A plotting area mapping data coordinates to pixels. */
    private record Axes(int left, int top, int width, int height, double x0, double x1, double y0, double y1) {
        Axes {
            if (!(x1 > x0)) {
                x1 = x0 + 1;
            }
            if (!(y1 > y0)) {
                y1 = y0 + 1;
            }
        }

        int x(double v) {
            return left + (int) Math.round((v - x0) / (x1 - x0) * width);
        }

        int y(double v) {
            return top + height - (int) Math.round((v - y0) / (y1 - y0) * height);
        }

        void draw(Graphics2D g, String title, String xLabel, String yLabel) {
            g.setColor(Color.BLACK);
            g.drawString(title, left, top - 15);
            g.drawRect(left, top, width, height);
            for (int i = 0; i <= 4; i++) {
                double xv = x0 + i * (x1 - x0) / 4;
                double yv = y0 + i * (y1 - y0) / 4;
                g.drawString(format(xv), x(xv) - 12, top + height + 18);
                g.drawString(format(yv), 4, y(yv) + 4);
                g.setColor(new Color(225, 225, 225));
                g.drawLine(left + 1, y(yv), left + width - 1, y(yv));
                g.setColor(Color.BLACK);
            }
            g.drawString(xLabel, left + width / 2 - 20, top + height + 40);
            g.drawString(yLabel, left, top - 2);
        }

        private static String format(double v) {
            return Math.abs(v) >= 100 || v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v)
                    : String.format(Locale.ROOT, "%.2f", v);
        }
    }
}
