using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace XQueue.Functions.Hosting;

/// <summary>
/// Calls an HTTP function's method as the worker would when standalone: its class made from the request's
/// services, the request for the trigger parameter, route values for the other string parameters (the worker
/// binds those from the route's binding data by name), and the returned IResult executed.
/// </summary>
public static class FunctionInvoker
{
    public static async Task InvokeHttpAsync(FunctionEntry function, HttpContext http)
    {
        var method = function.Method;
        var target = method.IsStatic ? null : ActivatorUtilities.GetServiceOrCreateInstance(http.RequestServices, method.DeclaringType!);
        var arguments = method.GetParameters().Select(parameter => Argument(parameter, http)).ToArray();
        object? returned;
        try
        {
            returned = method.Invoke(target, arguments);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
        var result = returned switch
        {
            Task<IResult> pending => await pending,
            IResult done => done,
            _ => throw new InvalidOperationException($"Function {function.Name} must return IResult or Task<IResult>."),
        };
        await result.ExecuteAsync(http);
    }

    static object? Argument(ParameterInfo parameter, HttpContext http) => parameter.ParameterType switch
    {
        var type when type == typeof(HttpRequest) => http.Request,
        var type when type == typeof(CancellationToken) => http.RequestAborted,
        var type when type == typeof(string) => http.Request.RouteValues[parameter.Name!]?.ToString(),
        _ => throw new InvalidOperationException($"Parameter {parameter.Name} of {parameter.Member.Name} cannot be bound standalone."),
    };
}
