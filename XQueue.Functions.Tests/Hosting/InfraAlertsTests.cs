using System.Diagnostics.Metrics;
using System.Text.Json;
using System.Text.RegularExpressions;
using XQueue.Functions.Metrics;

namespace XQueue.Functions.Tests.Hosting;

/// <summary>
/// The alerts of infra/ (modules/alerts.bicep), on the compiled template: an action group that e-mails the address
/// given and nobody when none is; one log search rule per condition, on Application Insights, notifying that group,
/// with its threshold from a parameter's default; and queries that read instruments the app really publishes.
/// </summary>
public sealed partial class InfraAlertsTests
{
    /// <summary>Each rule with the parameter behind its threshold or window, as main.bicep's defaults make it.</summary>
    static readonly AlertRule[] Expected =
    [
        new("graders-silent", "gradersSilentMinutes", 15, "PT15M", Measure: null, "Count", Threshold: 0, WindowInQuery: true),
        new("oldest-waiting", "oldestWaitingMinutes", 30, "PT5M", Measure: "ageSeconds", "Maximum", Threshold: 30 * 60),
        new("submissions-failed", "failedSubmissionsThreshold", 0, "PT15M", Measure: "failed", "Total", Threshold: 0),
        new("results-undeliverable", "undeliverableMinutes", 15, "PT15M", Measure: null, "Count", Threshold: 0, WindowInQuery: true),
        new("deliveries-given-up", Parameter: null, 0, "PT15M", Measure: "gaveUp", "Total", Threshold: 0),
        new("server-errors", "serverErrorsThreshold", 0, "PT15M", Measure: "serverErrors", "Total", Threshold: 0),
    ];

    /// <param name="WindowInQuery">The query compares times within the window, so it is told the window's length.</param>
    public sealed record AlertRule(
        string Name, string? Parameter, int Default, string Window, string? Measure, string Aggregation, int Threshold, bool WindowInQuery = false);

    [Fact]
    public async Task The_action_group_emails_the_address_given_and_nobody_when_none_is()
    {
        var none = ActionGroup(await CompiledInfra.Example);
        Assert.Equal(0, none.GetProperty("properties").GetProperty("emailReceivers").GetArrayLength());
        Assert.True(none.GetProperty("properties").GetProperty("enabled").GetBoolean());

        var receiver = Assert.Single(ActionGroup(await CompiledInfra.Varied).GetProperty("properties").GetProperty("emailReceivers").EnumerateArray());
        Assert.Equal("operator@example.com", receiver.GetProperty("emailAddress").GetString());
        Assert.True(receiver.GetProperty("useCommonAlertSchema").GetBoolean());
    }

    [Fact]
    public async Task Each_alert_is_a_rule_on_Application_Insights_that_notifies_the_action_group()
    {
        var infra = await CompiledInfra.Example;
        var appInsights = infra.ResourcesOf("Microsoft.Insights/components").Single().GetProperty("id").GetString();
        var actionGroup = ActionGroup(infra).GetProperty("id").GetString();
        var rules = infra.ResourcesOf("Microsoft.Insights/scheduledQueryRules").ToList();
        Assert.Equal(Expected.Select(e => $"xqueue-{e.Name}").Order(), rules.Select(r => r.GetProperty("name").GetString()).Order());
        foreach (var rule in rules.Select(r => r.GetProperty("properties")))
        {
            Assert.Equal([appInsights], rule.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
            Assert.Equal([actionGroup], rule.GetProperty("actions").GetProperty("actionGroups").EnumerateArray().Select(s => s.GetString()));
            Assert.True(rule.GetProperty("enabled").GetBoolean());
            Assert.True(rule.GetProperty("autoMitigate").GetBoolean());
            Assert.Equal("PT5M", rule.GetProperty("evaluationFrequency").GetString());
            Assert.False(string.IsNullOrWhiteSpace(rule.GetProperty("description").GetString()));
        }
    }

    [Fact]
    public async Task Thresholds_and_windows_come_from_parameters_with_their_defaults()
    {
        var infra = await CompiledInfra.Example;
        foreach (var expected in Expected)
        {
            if (expected.Parameter is { } parameter)
            {
                Assert.Equal(expected.Default, infra.Parameter(parameter).GetProperty("defaultValue").GetInt32());
            }
            var rule = Rule(infra, expected.Name);
            Assert.Equal(expected.Window, rule.GetProperty("windowSize").GetString());
            var condition = Assert.Single(rule.GetProperty("criteria").GetProperty("allOf").EnumerateArray());
            Assert.Equal(expected.Aggregation, condition.GetProperty("timeAggregation").GetString());
            Assert.Equal("GreaterThan", condition.GetProperty("operator").GetString());
            Assert.Equal(expected.Threshold, condition.GetProperty("threshold").GetInt32());
            var query = condition.GetProperty("query").GetString()!;
            if (expected.Measure is { } measure)
            {
                Assert.Equal(measure, condition.GetProperty("metricMeasureColumn").GetString());
                Assert.Contains($"{measure} = ", query); // the query yields the column the rule measures
            }
            if (expected.WindowInQuery) Assert.StartsWith($"let window = {expected.Default}m;", query);
        }
    }

    [Fact]
    public async Task The_queries_read_instruments_and_tags_the_app_publishes()
    {
        var infra = await CompiledInfra.Example;
        var published = PublishedInstruments();
        foreach (var expected in Expected)
        {
            var query = Rule(infra, expected.Name).GetProperty("criteria").GetProperty("allOf")[0].GetProperty("query").GetString()!;
            foreach (var instrument in InstrumentName().Matches(query).Select(m => m.Groups[1].Value))
            {
                Assert.True(published.Contains(instrument), $"{expected.Name} reads {instrument}, which the XQueue meter does not publish.");
            }
            // The tags of the XQueue meter (InstrumentTests checks that the instruments carry them).
            Assert.All(DimensionName().Matches(query).Select(m => m.Groups[1].Value), tag => Assert.Contains(tag, new[] { "queue", "outcome" }));
            Assert.All(OutcomeValue().Matches(query).Select(m => m.Groups[1].Value),
                outcome => Assert.Contains(outcome, new[] { XQueueMetrics.Delivered, XQueueMetrics.FailedAttempt, XQueueMetrics.GaveUp }));
        }
    }

    static JsonElement ActionGroup(CompiledInfra infra) => infra.ResourcesOf("Microsoft.Insights/actionGroups").Single();

    static JsonElement Rule(CompiledInfra infra, string name) =>
        infra.ResourcesOf("Microsoft.Insights/scheduledQueryRules").Single(r => r.GetProperty("name").GetString() == $"xqueue-{name}").GetProperty("properties");

    /// <summary>The instrument names of the XQueue meter, from the app itself (as an exporter would see them).</summary>
    static HashSet<string> PublishedInstruments()
    {
        using var app = Program.Build(["--AzureWebJobsStorage=UseDevelopmentStorage=true", "--XQueue:Queues:test-pull:PushUrl="]);
        var meter = app.Services.GetRequiredService<XQueueMetrics>().Meter;
        var names = new HashSet<string>(StringComparer.Ordinal);
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, _) =>
        {
            if (instrument.Meter == meter) names.Add(instrument.Name);
        };
        listener.Start(); // reports the instruments that exist already
        Assert.NotEmpty(names);
        return names;
    }

    [GeneratedRegex("\"(xqueue\\.[a-z_.]+)\"")]
    private static partial Regex InstrumentName();

    [GeneratedRegex("customDimensions\\[\"(\\w+)\"\\]")]
    private static partial Regex DimensionName();

    [GeneratedRegex("outcome == \"(\\w+)\"")]
    private static partial Regex OutcomeValue();
}
