/*
 * Copyright 2026 The Tidemark authors. Licensed under the Apache License, Version 2.0.
 */
package dev.tidemark.jmh;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Per-second latency traces as SVG: time along x, latency on a log scale along y, checkpoints shaded.
 * <pre>
 * TracePlot OUT.svg "title" NAME=run-seconds.csv[:run-checkpoints.csv] ...   (the p99 of each run, compared)
 * </pre>
 */
public final class TracePlot
{
    private static final String[] COLOURS = { "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b" };
    private static final String[] SHADES = { "#1f77b433", "#d6272833", "#2ca02c33", "#ff7f0e33", "#9467bd33" };

    private TracePlot()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final Map<String, long[]> series = new LinkedHashMap<>();
        final Map<String, List<double[]>> marks = new LinkedHashMap<>();
        for (int i = 2; i < args.length; i++)
        {
            final int eq = args[i].indexOf('=');
            final String name = args[i].substring(0, eq);
            final String[] files = args[i].substring(eq + 1).split(":");
            series.put(name + " p99", column(new File(files[0]), 3));
            marks.put(name, files.length > 1 ? intervals(new File(files[1])) : List.of());
        }
        Files.writeString(new File(args[0]).toPath(), plot(args[1], series, marks), StandardCharsets.UTF_8);
    }

    /**
     * One run: its p50, p99 and maximum per second, with its checkpoints shaded.
     */
    static String perSecond(
        final String title, final long[] p50Ns, final long[] p99Ns, final long[] maxNs, final List<double[]> marks)
    {
        final Map<String, long[]> series = new LinkedHashMap<>();
        series.put("max", toMicros(maxNs));
        series.put("p99", toMicros(p99Ns));
        series.put("p50", toMicros(p50Ns));
        final Map<String, List<double[]>> shaded = new LinkedHashMap<>();
        shaded.put("checkpoint", marks);
        return plot(title, series, shaded);
    }

    private static long[] toMicros(final long[] nanos)
    {
        final long[] micros = new long[nanos.length];
        for (int i = 0; i < nanos.length; i++)
        {
            micros[i] = Math.max(1, nanos[i] / 1000);
        }
        return micros;
    }

    private static String plot(
        final String title, final Map<String, long[]> seriesUs, final Map<String, List<double[]>> marks)
    {
        final int width = 1000;
        final int height = 480;
        final int left = 80;
        final int right = 200;
        final int top = 40;
        final int bottom = 50;
        final int plotWidth = width - left - right;
        final int plotHeight = height - top - bottom;
        int seconds = 1;
        long maxUs = 10;
        for (final long[] values : seriesUs.values())
        {
            seconds = Math.max(seconds, values.length);
            for (final long v : values)
            {
                maxUs = Math.max(maxUs, v);
            }
        }
        final double yMin = 0;
        final double yMax = Math.ceil(Math.log10(maxUs));
        final StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' " +
            "font-family='sans-serif'>%n<rect width='100%%' height='100%%' fill='white'/>%n", width, height));
        svg.append(String.format(Locale.ROOT, "<text x='%d' y='24' font-size='14' font-weight='bold' " +
            "text-anchor='middle'>%s</text>%n", width / 2, escape(title)));
        int shade = 0;
        for (final Map.Entry<String, List<double[]>> entry : marks.entrySet())
        {
            for (final double[] mark : entry.getValue())
            {
                final double x0 = left + Math.min(mark[0], seconds) / seconds * plotWidth;
                final double x1 = left + Math.min(mark[1], seconds) / seconds * plotWidth;
                svg.append(String.format(Locale.ROOT, "<rect x='%.1f' y='%d' width='%.1f' height='%d' fill='%s'/>%n",
                    x0, top, Math.max(1.0, x1 - x0), plotHeight, SHADES[shade % SHADES.length]));
            }
            if (!entry.getValue().isEmpty())
            {
                svg.append(String.format(Locale.ROOT, "<rect x='%d' y='%d' width='12' height='12' fill='%s'/>" +
                    "<text x='%d' y='%d' font-size='12'>%s running</text>%n", left + plotWidth + 16,
                    top + 200 + shade * 20, SHADES[shade % SHADES.length], left + plotWidth + 34,
                    top + 211 + shade * 20, escape(entry.getKey())));
            }
            shade++;
        }
        svg.append(String.format(Locale.ROOT, "<rect x='%d' y='%d' width='%d' height='%d' fill='none' " +
            "stroke='#444'/>%n", left, top, plotWidth, plotHeight));
        for (int decade = 0; decade <= (int)yMax; decade++)
        {
            final double y = top + plotHeight - (decade - yMin) / (yMax - yMin) * plotHeight;
            final String text = decade < 3 ? String.format(Locale.ROOT, "%.0f us", Math.pow(10, decade)) :
                decade < 6 ? String.format(Locale.ROOT, "%.0f ms", Math.pow(10, decade - 3)) :
                String.format(Locale.ROOT, "%.0f s", Math.pow(10, decade - 6));
            svg.append(String.format(Locale.ROOT, "<line x1='%d' y1='%.1f' x2='%d' y2='%.1f' stroke='#ddd'/>" +
                "<text x='%d' y='%.1f' font-size='11' text-anchor='end'>%s</text>%n", left, y, left + plotWidth, y,
                left - 6, y + 4, text));
        }
        final int step = seconds <= 20 ? 1 : seconds <= 120 ? 10 : 60;
        for (int s = 0; s <= seconds; s += step)
        {
            final double x = left + (double)s / seconds * plotWidth;
            svg.append(String.format(Locale.ROOT, "<text x='%.1f' y='%d' font-size='11' text-anchor='middle'>%d s" +
                "</text>%n", x, top + plotHeight + 16, s));
        }
        int index = 0;
        for (final Map.Entry<String, long[]> entry : seriesUs.entrySet())
        {
            final StringBuilder points = new StringBuilder();
            final long[] values = entry.getValue();
            for (int s = 0; s < values.length; s++)
            {
                final double x = left + (s + 0.5) / seconds * plotWidth;
                final double y = top + plotHeight -
                    (Math.log10(Math.max(1, values[s])) - yMin) / (yMax - yMin) * plotHeight;
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            final String colour = COLOURS[index % COLOURS.length];
            svg.append(String.format(Locale.ROOT, "<polyline fill='none' stroke='%s' stroke-width='1.5' " +
                "points='%s'/>%n", colour, points));
            svg.append(String.format(Locale.ROOT, "<rect x='%d' y='%d' width='12' height='12' fill='%s'/>" +
                "<text x='%d' y='%d' font-size='12'>%s</text>%n", left + plotWidth + 16, top + index * 20, colour,
                left + plotWidth + 34, top + index * 20 + 11, escape(entry.getKey())));
            index++;
        }
        return svg.append("</svg>\n").toString();
    }

    private static long[] column(final File csv, final int column) throws Exception
    {
        final List<String> lines = Files.readAllLines(csv.toPath());
        final long[] values = new long[lines.size() - 1];
        for (int i = 1; i < lines.size(); i++)
        {
            values[i - 1] = Math.max(1, Math.round(Double.parseDouble(lines.get(i).split(",")[column])));
        }
        return values;
    }

    private static List<double[]> intervals(final File csv) throws Exception
    {
        final List<double[]> intervals = new ArrayList<>();
        final List<String> lines = Files.readAllLines(csv.toPath());
        for (int i = 1; i < lines.size(); i++)
        {
            final String[] fields = lines.get(i).split(",");
            intervals.add(new double[]{ Double.parseDouble(fields[0]), Double.parseDouble(fields[1]) });
        }
        return intervals;
    }

    private static String escape(final String text)
    {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
