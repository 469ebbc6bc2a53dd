package org.aeic.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Ellipse2D;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The RD plot of {@code aeic eval}: PSNR-RGB over bpp, this codec (thick, first) over the anchors (JFreeChart). */
final class RdPlot {
    static final int WIDTH = 1000;
    static final int HEIGHT = 700;
    /** Anchor colours (red is this codec's); after the seventh anchor they repeat with dashed lines. */
    private static final Color[] ANCHOR_COLORS = {
        new Color(0x1f77b4), new Color(0x2ca02c), new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b),
        new Color(0xe377c2), new Color(0x17becf)};

    private RdPlot() {
    }

    /** PNG bytes of the plot. The bpp axis runs to 2 bpp, or further if this codec's curve does. */
    static byte[] png(RdCurve ours, List<RdCurve> anchors, String title) throws IOException {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(series(ours, ours.name()));
        double ourMax = max(ours.bpp());
        double xMax = Math.max(anchors.isEmpty() ? 0 : 2.0, Double.isFinite(ourMax) ? ourMax * 1.1 : 2.0);
        xMax = Math.max(0.25, Math.ceil(xMax * 4) / 4);
        double yMin = Double.POSITIVE_INFINITY;
        double yMax = Double.NEGATIVE_INFINITY;
        for (RdCurve c : anchors) {
            String key = c.name();
            while (data.getSeriesIndex(key) >= 0) { // JFreeChart needs distinct keys
                key = key + " ";
            }
            data.addSeries(series(c, key));
        }
        for (int s = 0; s < data.getSeriesCount(); s++) {
            XYSeries xy = data.getSeries(s);
            for (int i = 0; i < xy.getItemCount(); i++) {
                double x = xy.getX(i).doubleValue();
                double y = xy.getY(i).doubleValue();
                if (x <= xMax) {
                    yMin = Math.min(yMin, y);
                    yMax = Math.max(yMax, y);
                }
            }
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, "bits per pixel (whole file)", "PSNR-RGB (dB)", data,
                PlotOrientation.VERTICAL, true, false, false);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setTitle(new TextTitle(title, new Font(Font.SANS_SERIF, Font.BOLD, 16)));
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        for (int s = 0; s < data.getSeriesCount(); s++) {
            boolean first = s == 0;
            int a = s - 1;
            boolean dashed = !first && (a / ANCHOR_COLORS.length) % 2 == 1;
            r.setSeriesPaint(s, first ? new Color(0xd62728) : ANCHOR_COLORS[a % ANCHOR_COLORS.length]);
            r.setSeriesStroke(s, dashed ? new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f,
                    new float[] {6f, 4f}, 0f) : new BasicStroke(first ? 3f : 1.5f));
            double d = first ? 7 : 5;
            r.setSeriesShape(s, new Ellipse2D.Double(-d / 2, -d / 2, d, d));
        }
        plot.setRenderer(r);
        NumberAxis x = (NumberAxis) plot.getDomainAxis();
        x.setRange(0, xMax);
        if (yMin <= yMax) {
            NumberAxis y = (NumberAxis) plot.getRangeAxis();
            y.setAutoRangeIncludesZero(false);
            y.setRange(Math.floor(yMin) - 1, Math.ceil(yMax) + 1);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ChartUtils.writeChartAsPNG(out, chart, WIDTH, HEIGHT);
        return out.toByteArray();
    }

    private static XYSeries series(RdCurve c, String key) {
        XYSeries s = new XYSeries(key, false, true);
        for (int i = 0; i < c.size(); i++) {
            if (Double.isFinite(c.bpp()[i]) && Double.isFinite(c.psnr()[i])) {
                s.add(c.bpp()[i], c.psnr()[i]);
            }
        }
        return s;
    }

    private static double max(double[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (double d : v) {
            if (Double.isFinite(d)) {
                m = Math.max(m, d);
            }
        }
        return m;
    }
}
