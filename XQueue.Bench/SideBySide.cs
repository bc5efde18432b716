using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace XQueue.Bench;

/// <summary>
/// This checkout's summary beside another commit's (<c>--compare</c>): every <see cref="Figure"/> both report, with
/// the ratio this ÷ other, as the summary's "compare" section and as a table printed after the summary. A figure only
/// one of them reports is left out; a phase that failed on either side is named below the table.
/// </summary>
public sealed record SideBySide(OtherCommit Other, string ThisCommit, JsonObject OtherSummary, IReadOnlyList<SideBySide.Row> Rows, IReadOnlyList<string> Notes)
{
    public const string Order = "the other commit's bench first (its own process, its own Azurites), then this checkout's";

    public sealed record Row(Figure Figure, double Other, double This)
    {
        /// <summary>this ÷ other; 1 when both are 0 (a count that stayed 0), null when only the other is 0.</summary>
        public double? Ratio => Other != 0 ? This / Other : This == 0 ? 1 : null;
    }

    public static SideBySide Of(OtherCommit other, string thisCommit, JsonObject otherSummary, JsonObject thisSummary)
    {
        var rows = new List<Row>();
        foreach (var figure in Figure.Of(otherSummary, thisSummary))
        {
            if (figure.Read(otherSummary) is { } before && figure.Read(thisSummary) is { } after) rows.Add(new Row(figure, before, after));
        }
        var notes = Failures(otherSummary, other.Name).Concat(Failures(thisSummary, "this checkout")).ToArray();
        return new SideBySide(other, thisCommit, otherSummary, rows, notes);
    }

    /// <summary>A phase that threw leaves {"error": …} in its section (<see cref="PhaseRunner"/>).</summary>
    static IEnumerable<string> Failures(JsonObject summary, string who) =>
        summary.Where(section => section.Value is JsonObject json && json["error"] is not null)
            .Select(section => $"{section.Key} failed in {who}: {section.Value!["error"]}");

    public JsonObject ToJson()
    {
        var ratios = new JsonObject();
        foreach (var row in Rows)
        {
            ratios[row.Figure.Name] = new JsonObject
            {
                ["other"] = row.Other,
                ["this"] = row.This,
                ["ratio"] = row.Ratio is { } ratio ? Math.Round(ratio, 3) : null,
                ["better"] = row.Figure.Better.ToString().ToLowerInvariant(),
            };
        }
        return new JsonObject
        {
            ["ref"] = Other.Reference,
            ["commit"] = Other.Commit,
            ["thisCommit"] = ThisCommit,
            ["order"] = Order,
            ["other"] = OtherSummary.DeepClone(),
            ["ratios"] = ratios,
            ["notes"] = new JsonArray(Notes.Select(note => (JsonNode)note).ToArray()),
        };
    }

    public string Table()
    {
        string[] header = ["figure", Other.Reference, "this", "this/other", "better"];
        var cells = Rows.Select(row => new[]
        {
            row.Figure.Name, Format(row.Other), Format(row.This),
            row.Ratio is { } ratio ? ratio.ToString("0.00", CultureInfo.InvariantCulture) : "-",
            row.Figure.Better == Better.Neither ? "" : row.Figure.Better.ToString().ToLowerInvariant(),
        }).Prepend(header).ToArray();
        var widths = Enumerable.Range(0, header.Length).Select(c => cells.Max(row => row[c].Length)).ToArray();

        var table = new StringBuilder();
        table.AppendLine($"Side by side: other = {Other.Name}, run first; this = {ThisCommit[..Math.Min(7, ThisCommit.Length)]}{Dirty}, run second.");
        foreach (var row in cells)
        {
            // The figure left-aligned, the numbers right-aligned, the direction last.
            var line = row[0].PadRight(widths[0]) + string.Concat(Enumerable.Range(1, 3).Select(c => "  " + row[c].PadLeft(widths[c])));
            table.AppendLine((line + "  " + row[4]).TrimEnd());
        }
        foreach (var note in Notes) table.AppendLine("note: " + note);
        return table.ToString().TrimEnd();
    }

    string Dirty => ThisCommit.EndsWith(Git.Uncommitted, StringComparison.Ordinal) ? Git.Uncommitted : "";

    static string Format(double value) => value.ToString(Math.Abs(value) >= 1000 ? "#,0" : "0.##", CultureInfo.InvariantCulture);
}
