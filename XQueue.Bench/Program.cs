using System.Text.Json;
using System.Text.Json.Nodes;
using XQueue.Bench;

// XQueue.Bench: measurements that back the README's claims, printed as one JSON summary and a headline.
//   dotnet run --project XQueue.Bench -c Release [-- coldstart] [--runs N]
var runs = args.SkipWhile(a => a != "--runs").Skip(1).Select(int.Parse).FirstOrDefault(7);
var summary = new JsonObject
{
    ["date"] = DateTimeOffset.UtcNow.ToString("u"),
    ["machine"] = Machine.Describe(),
};
var headlines = new List<string>();

var coldStart = await ColdStart.MeasureAsync(runs);
summary["coldStart"] = coldStart.ToJson();
headlines.Add(coldStart.Headline());

Console.WriteLine(summary.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
Console.WriteLine(string.Join("; ", headlines));
