namespace XQueue.Functions.Hosting;

/// <summary>
/// Standalone, the HTTP functions are served by Kestrel: one route per function, built from the same
/// attributes the worker SDK turns into functions.metadata, each through the same gate as under the host.
/// A function that names no methods answers every method, as the Functions host does (and Django's views did).
/// </summary>
public static class StandaloneDispatcher
{
    public static IEndpointRouteBuilder MapFunctions(this IEndpointRouteBuilder app, FunctionCatalog catalog)
    {
        foreach (var function in catalog.Http)
        {
            // The gate is asked for per request: building the app must not yet build what validates the options.
            RequestDelegate handler = http => http.RequestServices.GetRequiredService<FunctionGate>()
                .RunAsync(http, function, context => FunctionInvoker.InvokeHttpAsync(function, context));
            var pattern = "/" + function.Route;
            var endpoint = function.Methods is { Count: > 0 } methods ? app.MapMethods(pattern, methods, handler) : app.Map(pattern, handler);
            endpoint.WithName(function.Name);
        }
        return app;
    }
}
