using System.Globalization;

namespace XQueue.Functions.Dashboard;

/// <summary>
/// A line chart over a time window drawn on the server as SVG (TimeChart.razor): it needs no script and no library,
/// reads the same in every browser and costs nothing to serve. The y axis starts at 0 and ends at a round number
/// above the largest value; a line breaks where minutes are missing (nothing recorded them), and a lone point shows as a dot.
/// Colours come from dashboard.css by class (the pages' content security policy allows no inline style).
/// </summary>
public partial class TimeChart
{
    /// <summary>Points further apart than this are not joined: the minutes between them were not recorded.</summary>
    static readonly TimeSpan Gap = TimeSpan.FromMinutes(2);

    const double Left = 46, Right = 8, Top = 8, Bottom = 20;

    double Width => Large ? 560 : 300;
    double Height => Large ? 170 : 110;
    double PlotWidth => Width - Left - Right;
    double PlotHeight => Height - Top - Bottom;

    // Durations end their axis on a round time: seconds, minutes, then hours.
    static readonly double[] TimeSteps = [1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 900, 1200, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

    /// <summary>
    /// The top of the y axis, at least the largest value and at least 1: a count ends on 1, 2 or 5 times a power of
    /// ten, a duration on a round time (15 s, 2 min, 30 min, 3 h, ...), in days beyond that.
    /// </summary>
    public static double AxisMax(IEnumerable<double> values, ChartUnit unit = ChartUnit.Count)
    {
        var max = values.DefaultIfEmpty(0).Max();
        if (max <= 1) return 1;
        if (unit == ChartUnit.Seconds) return TimeSteps.FirstOrDefault(step => step >= max) is > 0 and var top ? top : Math.Ceiling(max / 86400) * 86400;
        var power = Math.Pow(10, Math.Floor(Math.Log10(max)));
        return ((double[])[1, 2, 5, 10]).First(step => step * power >= max) * power;
    }

    // Read by every point's Y: computed once per render, not once per point.
    double YMax { get; set; } = 1;

    protected override void OnParametersSet() => YMax = AxisMax(Series.SelectMany(s => s.Points).Select(p => p.Value), Unit);

    double X(DateTimeOffset at) => Left + Math.Clamp((at - From) / (To - From), 0, 1) * PlotWidth;

    double Y(double value) => Top + PlotHeight - Math.Clamp(value / YMax, 0, 1) * PlotHeight;

    /// <summary>A series' points in the window, as runs of points without a gap between them.</summary>
    List<List<(double X, double Y)>> Runs(ChartSeries series)
    {
        var runs = new List<List<(double X, double Y)>>();
        DateTimeOffset? previous = null;
        foreach (var point in series.Points.Where(p => p.At >= From && p.At <= To))
        {
            if (previous is not { } before || point.At - before > Gap) runs.Add([]);
            runs[^1].Add((X(point.At), Y(point.Value)));
            previous = point.At;
        }
        return runs;
    }

    /// <summary>The SVG path of a series' runs of two points or more.</summary>
    string PathOf(List<List<(double X, double Y)>> runs) =>
        string.Concat(runs.Where(run => run.Count > 1).Select(run => string.Concat(run.Select((p, i) => $"{(i == 0 ? "M" : "L")}{F(p.X)},{F(p.Y)}"))));

    /// <summary>Points with no neighbour within <see cref="Gap"/>: drawn as dots.</summary>
    static IEnumerable<(double X, double Y)> LonePoints(List<List<(double X, double Y)>> runs) => runs.Where(run => run.Count == 1).Select(run => run[0]);

    static string Value(ChartUnit unit, double value) => unit switch
    {
        ChartUnit.Seconds when value < 1 && value > 0 => $"{value * 1000:F0} ms",
        ChartUnit.Seconds => Layout.Age(TimeSpan.FromSeconds(value)),
        _ => value == Math.Floor(value) ? value.ToString("F0", CultureInfo.InvariantCulture) : value.ToString("F1", CultureInfo.InvariantCulture),
    };

    static string Clock(DateTimeOffset at) => at.UtcDateTime.ToString("HH:mm", CultureInfo.InvariantCulture);

    /// <summary>Times on the x axis (UTC): the window's start, its end and two between, the outer ones kept inside the chart.</summary>
    IEnumerable<(DateTimeOffset At, string Anchor)> XTicks()
    {
        var step = (To - From) / 3;
        return Enumerable.Range(0, 4).Select(i => (From + step * i, i switch { 0 => "start", 3 => "end", _ => "middle" }));
    }

    static string F(double value) => value.ToString("F1", CultureInfo.InvariantCulture);

    string Latest(ChartSeries series) => series.Points.Count == 0 ? "—" : Value(Unit, series.Points[^1].Value);
}
