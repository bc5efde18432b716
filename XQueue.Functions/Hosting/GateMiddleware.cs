using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace XQueue.Functions.Hosting;

/// <summary>
/// Under the Functions host: every HTTP invocation goes through the <see cref="FunctionGate"/> before the
/// function runs, with the HTTP context the ASP.NET Core integration hands over. Timer and queue invocations
/// pass straight through.
/// </summary>
public sealed class GateMiddleware(FunctionGate gate) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        if (context.GetHttpContext() is not { } http)
        {
            await next(context);
            return;
        }
        await gate.RunAsync(http, FunctionCatalog.App[context.FunctionDefinition.Name], _ => next(context));
    }
}
