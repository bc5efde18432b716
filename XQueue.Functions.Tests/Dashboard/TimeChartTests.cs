using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.Logging.Abstractions;
using XQueue.Functions.Dashboard;

namespace XQueue.Functions.Tests.Dashboard;

/// <summary>The chart component alone, rendered as the pages render it: axis tops, lines broken at gaps, lone points as dots.</summary>
public sealed partial class TimeChartTests
{
    static readonly DateTimeOffset To = new(2026, 12, 7, 18, 0, 0, TimeSpan.Zero);
    static readonly DateTimeOffset From = To - TimeSpan.FromHours(6);

    [Theory]
    [InlineData(ChartUnit.Count, 0, 1)]
    [InlineData(ChartUnit.Count, 3, 5)]
    [InlineData(ChartUnit.Count, 5, 5)]
    [InlineData(ChartUnit.Count, 5.5, 10)]
    [InlineData(ChartUnit.Count, 130, 200)]
    [InlineData(ChartUnit.Seconds, 0.4, 1)]
    [InlineData(ChartUnit.Seconds, 46, 60)]
    [InlineData(ChartUnit.Seconds, 3100, 3600)]
    [InlineData(ChartUnit.Seconds, 200_000, 259_200)]
    public void The_axis_ends_on_a_round_value_at_or_above_the_largest(ChartUnit unit, double largest, double top) =>
        Assert.Equal(top, TimeChart.AxisMax([0, largest], unit));

    [Fact]
    public async Task A_line_breaks_where_minutes_are_missing_and_a_lone_point_is_a_dot()
    {
        var minutes = (int[])[0, 1, 2, 10, 11, 30, 200];
        var series = new ChartSeries("waiting", "waiting <b>", minutes.Select((m, i) => new ChartPoint(From.AddMinutes(m), i)).ToList());
        var html = await RenderAsync(series);

        var path = PathData().Match(html).Groups[1].Value;
        Assert.Equal(2, path.Count(c => c == 'M')); // minutes 0-2 and 10-11
        Assert.Equal(3, path.Count(c => c == 'L'));
        Assert.Equal(2, Regex.Matches(html, "<circle").Count); // minutes 30 and 200
        Assert.Contains("waiting &lt;b&gt; 6", html); // the legend: its latest value, encoded
        Assert.Contains(">10</text>", html); // the axis top above the largest value, 6
        Assert.Contains(">12:00</text>", html);
        Assert.Contains(">18:00</text>", html);
    }

    static async Task<string> RenderAsync(ChartSeries series)
    {
        var services = new ServiceCollection().BuildServiceProvider();
        await using var renderer = new HtmlRenderer(services, NullLoggerFactory.Instance);
        var parameters = ParameterView.FromDictionary(new Dictionary<string, object?>
        {
            [nameof(TimeChart.Name)] = "depth", [nameof(TimeChart.Title)] = "Waiting", [nameof(TimeChart.Series)] = new[] { series },
            [nameof(TimeChart.From)] = From, [nameof(TimeChart.To)] = To,
        });
        return await renderer.Dispatcher.InvokeAsync(async () => (await renderer.RenderComponentAsync<TimeChart>(parameters)).ToHtmlString());
    }

    [GeneratedRegex("<path class=\"line\" d=\"([^\"]*)\"")]
    private static partial Regex PathData();
}
