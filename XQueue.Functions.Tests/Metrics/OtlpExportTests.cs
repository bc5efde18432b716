using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using XQueue.Functions.Tests.Infrastructure;
using XQueue.Functions.Tests.Submissions;

namespace XQueue.Functions.Tests.Metrics;

/// <summary>The OTLP export, received by a real HTTP listener playing the collector.</summary>
public sealed class OtlpExportTests
{
    static readonly string[] Expected = [.. ExportCycle.MetricNames, "http.client.request.duration"];

    [Theory]
    [InlineData("XQueue:Metrics:OtlpEndpoint")]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT")]
    public async Task A_configured_collector_receives_every_instrument_as_protobuf_on_v1_metrics(string key)
    {
        await using var collector = await Collector.StartAsync();
        await using var rig = await GradingRig.StartAsync(new Dictionary<string, string?>
        {
            [key] = collector.BaseAddress.AbsoluteUri, ["XQueue:Metrics:ExportInterval"] = "00:00:01",
        });
        // Another app in the same process that stops must not end this app's streams (they share instrument names).
        await (await TestService.StartAsync()).DisposeAsync();
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // an export sees the other app's instruments gone

        await ExportCycle.RunAsync(rig);

        // Exports are cumulative: wait for one that has seen the whole flow.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        string[] missing;
        while ((missing = Expected.Where(name => !collector.Bodies.Any(body => Contains(body.Bytes, name))).ToArray()).Length > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"never exported: {string.Join(", ", missing)}");
            await Task.Delay(200);
        }
        Assert.All(collector.Bodies, body => Assert.Equal(("/v1/metrics", "application/x-protobuf"), (body.Path, body.ContentType)));
        Assert.Contains(collector.Bodies, body => Contains(body.Bytes, "test-pull") && Contains(body.Bytes, "service.instance.id"));
    }

    static bool Contains(byte[] body, string text) => body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;

    sealed record Export(string Path, string? ContentType, byte[] Bytes);

    /// <summary>Accepts every OTLP/HTTP export with 200 and an empty (valid) protobuf response, and keeps the bodies.</summary>
    sealed class Collector : IAsyncDisposable
    {
        readonly WebApplication app;

        Collector(WebApplication app) => this.app = app;

        public ConcurrentQueue<Export> Bodies { get; } = new();
        public Uri BaseAddress { get; private set; } = null!;

        public static async Task<Collector> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var collector = new Collector(app);
            app.MapPost("/{**path}", async (HttpRequest request) =>
            {
                using var body = new MemoryStream();
                await request.Body.CopyToAsync(body);
                collector.Bodies.Enqueue(new Export(request.Path, request.ContentType, body.ToArray()));
                return Results.Bytes([], "application/x-protobuf");
            });
            await app.StartAsync();
            collector.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            return collector;
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
