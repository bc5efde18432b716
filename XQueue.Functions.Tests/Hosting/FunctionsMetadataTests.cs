using System.IO.Compression;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using XQueue.Functions.Hosting;
using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Functions.Tests.Hosting;

/// <summary>
/// What the Functions host will serve (functions.metadata, written by the worker SDK's build into the package)
/// is what the standalone app serves: the same function names, routes and methods, timers and queue triggers.
/// </summary>
public sealed class FunctionsMetadataTests
{
    sealed record Declared(string Name, string Trigger, string? Route, string Methods, string? Schedule, string? Queue);

    static IReadOnlyList<Declared> FromMetadata()
    {
        using var zip = PackageLayoutTests.OpenPackage();
        using var reader = new StreamReader(zip.GetEntry("functions.metadata")!.Open());
        using var metadata = JsonDocument.Parse(reader.ReadToEnd());
        return metadata.RootElement.EnumerateArray().Select(function =>
        {
            var trigger = function.GetProperty("bindings").EnumerateArray()
                .Single(binding => binding.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));
            string? Text(string name) => trigger.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            var methods = trigger.TryGetProperty("methods", out var list) && list.ValueKind == JsonValueKind.Array
                ? string.Join(",", list.EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant()).Order(StringComparer.Ordinal))
                : "";
            return new Declared(function.GetProperty("name").GetString()!, trigger.GetProperty("type").GetString()!,
                Text("route"), methods, Text("schedule"), Text("queueName"));
        }).OrderBy(d => d.Name, StringComparer.Ordinal).ToList();
    }

    [Fact]
    public void The_package_declares_exactly_the_functions_the_standalone_app_serves()
    {
        var standalone = FunctionCatalog.App.All.Select(f => new Declared(f.Name,
            f.Trigger switch { TriggerKind.Http => "httpTrigger", TriggerKind.Timer => "timerTrigger", _ => "queueTrigger" },
            f.Route, string.Join(",", (f.Methods ?? []).Order(StringComparer.Ordinal)), f.Schedule, f.QueueName)).ToList();

        Assert.Equal(standalone, FromMetadata());
    }

    [Fact]
    public async Task Every_http_function_is_a_route_of_the_standalone_app_and_nothing_else_is()
    {
        await using var service = await TestService.StartAsync();
        var routes = service.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(endpoint => (endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName, endpoint.RoutePattern.RawText,
                string.Join(",", (endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Order(StringComparer.Ordinal))))
            .OrderBy(route => route.EndpointName, StringComparer.Ordinal)
            .ToList();

        var declared = FromMetadata().Where(d => d.Trigger == "httpTrigger")
            .Select(d => ((string?)d.Name, (string?)("/" + d.Route), d.Methods)).ToList();
        Assert.Equal(declared, routes);
    }
}
