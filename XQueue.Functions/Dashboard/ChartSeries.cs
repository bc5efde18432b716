namespace XQueue.Functions.Dashboard;

/// <summary>How a chart's values read: a count (submissions, per minute) or a duration in seconds.</summary>
public enum ChartUnit { Count, Seconds }

/// <summary>One line of a chart: its name (a CSS class, chart-&lt;name&gt;, gives its colour), its legend and its points, oldest first.</summary>
public sealed record ChartSeries(string Name, string Label, IReadOnlyList<ChartPoint> Points);

public readonly record struct ChartPoint(DateTimeOffset At, double Value);
