using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace XQueue.Functions.Tests.Metrics;

/// <summary>One telemetry item as Application Insights receives it: its type (<c>Request</c>, <c>Metric</c>, <c>Message</c>…) and the whole item.</summary>
public sealed record TelemetryItem(string Name, string? InstrumentationKey, JsonElement Item)
{
    public JsonElement BaseData => Item.GetProperty("data").GetProperty("baseData");

    /// <summary>The metric names a <c>Metric</c> item carries (one each, as the exporter writes them).</summary>
    public IEnumerable<string> MetricNames => Name != "Metric" ? []
        : BaseData.GetProperty("metrics").EnumerateArray().Select(metric => metric.GetProperty("name").GetString()!);

    public string? Text(string property) => BaseData.TryGetProperty(property, out var value) ? value.GetString() : null;
}

/// <summary>
/// A real HTTP listener playing an Application Insights ingestion endpoint: accepts every POST to the track
/// endpoint (<c>v2.1/track</c>, newline-delimited JSON, gzip or not) with the ingestion service's answer, and keeps
/// every item. Point a connection string's <c>IngestionEndpoint</c> at <see cref="BaseAddress"/>.
/// </summary>
public sealed class FakeIngestion : IAsyncDisposable
{
    public const string TrackPath = "/v2.1/track";

    readonly WebApplication app;

    FakeIngestion(WebApplication app) => this.app = app;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Every POST's path, whichever it was: the exporter must post to <see cref="TrackPath"/> only.</summary>
    public ConcurrentQueue<string> Paths { get; } = new();

    public ConcurrentQueue<TelemetryItem> Items { get; } = new();

    public string ConnectionString(Guid instrumentationKey) => $"InstrumentationKey={instrumentationKey};IngestionEndpoint={BaseAddress.AbsoluteUri}";

    public static async Task<FakeIngestion> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var ingestion = new FakeIngestion(app);
        app.MapPost("/{**path}", async (HttpRequest request) =>
        {
            ingestion.Paths.Enqueue(request.Path);
            var lines = (await ReadAsync(request)).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            foreach (var line in lines)
            {
                var item = JsonDocument.Parse(line).RootElement.Clone();
                ingestion.Items.Enqueue(new TelemetryItem(item.GetProperty("name").GetString()!,
                    item.TryGetProperty("iKey", out var key) ? key.GetString() : null, item));
            }
            return Results.Json(new { itemsReceived = lines.Length, itemsAccepted = lines.Length, errors = Array.Empty<object>() });
        });
        await app.StartAsync();
        ingestion.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return ingestion;
    }

    /// <summary>Waits until <paramref name="missing"/> finds nothing missing from the items received; fails naming what still is.</summary>
    public async Task WaitForAsync(Func<IReadOnlyList<TelemetryItem>, IReadOnlyList<string>> missing, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        IReadOnlyList<string> left;
        while ((left = missing(Items.ToArray())).Count > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"never received: {string.Join(", ", left)}");
            await Task.Delay(200);
        }
    }

    static async Task<string> ReadAsync(HttpRequest request)
    {
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body);
        body.Position = 0;
        var gzip = request.Headers.ContentEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase)
                   || body.Length > 2 && body.GetBuffer()[0] == 0x1f && body.GetBuffer()[1] == 0x8b;
        using var reader = new StreamReader(gzip ? new GZipStream(body, CompressionMode.Decompress) : body, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
