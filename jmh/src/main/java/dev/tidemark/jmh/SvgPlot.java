/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.jmh;

import org.HdrHistogram.Histogram;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Small SVG charts for the reports: latency percentile curves on a log scale, and horizontal bars.
 */
final class SvgPlot
{
    private static final String[] COLOURS = {
        "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
        "#000000", "#aec7e8", "#98df8a", "#ffbb78" };
    private static final double[] PERCENTILES = {
        0, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 99.995, 99.999 };

    private SvgPlot()
    {
    }

    /**
     * Latency against percentile, both axes logarithmic (x as 1 / (1 - p)).
     */
    static String percentileCurves(final String title, final Map<String, Histogram> histograms)
    {
        final int width = 900;
        final int height = 520;
        final int left = 80;
        final int right = 260;
        final int top = 40;
        final int bottom = 60;
        double maxUs = 1;
        double minUs = Double.MAX_VALUE;
        for (final Histogram h : histograms.values())
        {
            maxUs = Math.max(maxUs, h.getMaxValue() / 1000.0);
            minUs = Math.min(minUs, Math.max(0.01, h.getValueAtPercentile(0) / 1000.0));
        }
        final double yMin = Math.log10(Math.max(0.01, minUs * 0.8));
        final double yMax = Math.log10(maxUs * 1.2);
        final double xMax = Math.log10(100_000);
        final StringBuilder svg = header(width, height, title);
        final int plotWidth = width - left - right;
        final int plotHeight = height - top - bottom;
        axes(svg, left, top, plotWidth, plotHeight);
        for (int decade = (int)Math.floor(yMin); decade <= (int)Math.ceil(yMax); decade++)
        {
            if (decade < yMin || decade > yMax)
            {
                continue;
            }
            final double y = top + plotHeight - (decade - yMin) / (yMax - yMin) * plotHeight;
            svg.append(String.format(Locale.ROOT,
                "<line x1='%d' y1='%.1f' x2='%d' y2='%.1f' stroke='#ddd'/><text x='%d' y='%.1f' font-size='11' " +
                "text-anchor='end'>%s us</text>%n", left, y, left + plotWidth, y, left - 6, y + 4,
                formatDecade(decade)));
        }
        final String[] xLabels = { "0%", "90%", "99%", "99.9%", "99.99%", "99.999%" };
        for (int i = 0; i < xLabels.length; i++)
        {
            final double x = left + (double)i / 5 * plotWidth;
            svg.append(String.format(Locale.ROOT,
                "<line x1='%.1f' y1='%d' x2='%.1f' y2='%d' stroke='#ddd'/><text x='%.1f' y='%d' font-size='11' " +
                "text-anchor='middle'>%s</text>%n", x, top, x, top + plotHeight, x, top + plotHeight + 16,
                xLabels[i]));
        }
        svg.append(String.format(Locale.ROOT, "<text x='%d' y='%d' font-size='12' text-anchor='middle'>percentile " +
            "(log scale of 1/(1-p))</text>%n", left + plotWidth / 2, height - 20));
        int series = 0;
        for (final Map.Entry<String, Histogram> entry : histograms.entrySet())
        {
            final String colour = COLOURS[series % COLOURS.length];
            final StringBuilder points = new StringBuilder();
            for (final double p : PERCENTILES)
            {
                final double xValue = Math.log10(1.0 / (1.0 - Math.min(p, 99.999) / 100.0));
                final double us = Math.max(Math.pow(10, yMin), entry.getValue().getValueAtPercentile(p) / 1000.0);
                final double x = left + xValue / xMax * plotWidth;
                final double y = top + plotHeight - (Math.log10(us) - yMin) / (yMax - yMin) * plotHeight;
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            svg.append(String.format(Locale.ROOT,
                "<polyline fill='none' stroke='%s' stroke-width='2' points='%s'/>%n", colour, points));
            svg.append(String.format(Locale.ROOT,
                "<rect x='%d' y='%d' width='12' height='12' fill='%s'/><text x='%d' y='%d' font-size='12'>%s</text>%n",
                left + plotWidth + 16, top + series * 20, colour, left + plotWidth + 34, top + series * 20 + 11,
                escape(entry.getKey())));
            series++;
        }
        return svg.append("</svg>\n").toString();
    }

    /**
     * Horizontal bars, one per label, with the value printed.
     */
    static String bars(final String title, final String unit, final List<Map.Entry<String, Double>> values)
    {
        final int barHeight = 22;
        final int left = 330;
        final int width = 900;
        final int top = 40;
        final int height = top + values.size() * (barHeight + 6) + 40;
        double max = 0;
        for (final Map.Entry<String, Double> value : values)
        {
            max = Math.max(max, value.getValue());
        }
        final StringBuilder svg = header(width, height, title);
        final int plotWidth = width - left - 120;
        int row = 0;
        for (final Map.Entry<String, Double> value : values)
        {
            final double w = max <= 0 ? 0 : value.getValue() / max * plotWidth;
            final int y = top + row * (barHeight + 6);
            svg.append(String.format(Locale.ROOT,
                "<text x='%d' y='%d' font-size='12' text-anchor='end'>%s</text>" +
                "<rect x='%d' y='%d' width='%.1f' height='%d' fill='%s'/>" +
                "<text x='%.1f' y='%d' font-size='12'>%.1f %s</text>%n",
                left - 8, y + 15, escape(value.getKey()), left, y, w, barHeight, COLOURS[row % COLOURS.length],
                left + w + 6, y + 15, value.getValue(), unit));
            row++;
        }
        return svg.append("</svg>\n").toString();
    }

    private static StringBuilder header(final int width, final int height, final String title)
    {
        final StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' " +
            "font-family='sans-serif'>%n<rect width='100%%' height='100%%' fill='white'/>%n", width, height));
        svg.append(String.format(Locale.ROOT, "<text x='%d' y='24' font-size='15' font-weight='bold' " +
            "text-anchor='middle'>%s</text>%n", width / 2, escape(title)));
        return svg;
    }

    private static void axes(final StringBuilder svg, final int left, final int top, final int w, final int h)
    {
        svg.append(String.format(Locale.ROOT, "<rect x='%d' y='%d' width='%d' height='%d' fill='none' " +
            "stroke='#444'/>%n", left, top, w, h));
    }

    private static String formatDecade(final int decade)
    {
        final double value = Math.pow(10, decade);
        return value >= 1 ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%s", value);
    }

    private static String escape(final String text)
    {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
