using XQueue.Functions.Storage;

namespace XQueue.Functions.Metrics;

/// <summary>
/// Standalone, the first middleware of every request: opens a <see cref="StorageCallSpans"/> for the request's flow,
/// and when the answer is written records its calls and sequential calls (<see cref="RequestStorageCost"/>) under its
/// route. A request no route served (404) is not recorded.
/// </summary>
/// <remarks>
/// Not registered under the Functions host: there the worker runs the function in the flow of the host's gRPC
/// invocation, not in the flow of the ASP.NET Core request that middleware sees, so every request would read 0.
/// </remarks>
internal sealed class RequestStorageScope(RequestStorageCost cost) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            var spans = StorageCallSpans.Begin();
            try
            {
                await nextMiddleware(context);
            }
            finally
            {
                var (calls, sequential) = spans.End();
                // Routing has run by now, and its endpoint stays on the context.
                if (context.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { } route }) cost.Record(route, calls, sequential);
            }
        });
        next(app);
    };
}
