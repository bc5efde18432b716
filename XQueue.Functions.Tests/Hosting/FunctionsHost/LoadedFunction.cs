using System.Text.Json;
using XQueue.Functions.Tests.Hosting.FunctionsHost.Rpc;

namespace XQueue.Functions.Tests.Hosting.FunctionsHost;

/// <summary>
/// One function as the worker reported it in its <c>FunctionMetadataResponse</c> (worker indexing), and how
/// its <c>FunctionLoadRequest</c> went. <see cref="LoadError"/> is null when the worker loaded it; the host
/// keeps a function that failed to load and fails each of its invocations with that error, and so does the
/// fixture.
/// </summary>
public sealed record LoadedFunction(
    string Name,
    string FunctionId,
    string ScriptFile,
    string EntryPoint,
    IReadOnlyList<FunctionBinding> Bindings,
    string? LoadError)
{
    /// <summary>The trigger binding (type ending in "Trigger"), as the host picks it.</summary>
    public FunctionBinding? Trigger => Bindings.FirstOrDefault(b => b.IsTrigger);

    internal RpcFunctionMetadata Metadata { get; init; } = new();

    /// <summary>
    /// Reads the worker's metadata. The binding details come from <c>raw_bindings</c> (the JSON the worker
    /// found, the same text as functions.metadata), which is what the host parses too; the worker's own
    /// <c>bindings</c> map carries only name, type and direction.
    /// </summary>
    internal static LoadedFunction From(RpcFunctionMetadata metadata) => new(
        metadata.Name,
        metadata.FunctionId,
        metadata.ScriptFile,
        metadata.EntryPoint,
        metadata.RawBindings.Select(FunctionBinding.Parse).ToList(),
        LoadError: null)
    {
        Metadata = metadata,
    };

    /// <summary>
    /// The load request the host builds from the same metadata: name, directory, script file, entry point,
    /// the worker's properties, and per binding its type, direction and data type (GrpcWorkerChannel.GetFunctionLoadRequest).
    /// </summary>
    internal FunctionLoadRequest ToLoadRequest()
    {
        var request = new FunctionLoadRequest
        {
            FunctionId = FunctionId,
            Metadata = new RpcFunctionMetadata
            {
                Name = Name,
                Directory = Metadata.Directory,
                ScriptFile = ScriptFile,
                EntryPoint = EntryPoint,
                IsProxy = false,
            },
        };
        request.Metadata.Properties.Add(Metadata.Properties);
        foreach (var binding in Bindings) request.Metadata.Bindings.Add(binding.Name, binding.ToBindingInfo());
        return request;
    }
}

/// <summary>Direction of a binding, as in functions.metadata and <c>BindingInfo.Direction</c>.</summary>
public enum BindingDirection
{
    In = 0,
    Out = 1,
    InOut = 2,
}

/// <summary>
/// One binding of a function. The trigger-specific fields are null for bindings that do not have them:
/// <see cref="Route"/>, <see cref="Methods"/> and <see cref="AuthLevel"/> for httpTrigger,
/// <see cref="Schedule"/> for timerTrigger, <see cref="QueueName"/> and <see cref="Connection"/> for
/// queueTrigger. <see cref="Json"/> is the binding exactly as the worker sent it.
/// </summary>
public sealed record FunctionBinding(
    string Name,
    string Type,
    BindingDirection Direction,
    string? DataType,
    string? Route,
    IReadOnlyList<string>? Methods,
    string? AuthLevel,
    string? Schedule,
    string? QueueName,
    string? Connection,
    bool SupportsDeferredBinding,
    string Json)
{
    public bool IsTrigger => Type.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase);

    internal static FunctionBinding Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        return new FunctionBinding(
            Text(root, "name") ?? throw new FormatException($"A binding has no name: {json}"),
            Text(root, "type") ?? throw new FormatException($"A binding has no type: {json}"),
            Enum.Parse<BindingDirection>(Text(root, "direction") ?? "in", ignoreCase: true),
            Text(root, "dataType"),
            Text(root, "route"),
            Property(root, "methods") is { ValueKind: JsonValueKind.Array } methods ? methods.EnumerateArray().Select(m => m.GetString()!).ToList() : null,
            Text(root, "authLevel"),
            Text(root, "schedule"),
            Text(root, "queueName"),
            Text(root, "connection"),
            Property(root, "properties") is { ValueKind: JsonValueKind.Object } properties
                && string.Equals(Text(properties, "supportsDeferredBinding"), "true", StringComparison.OrdinalIgnoreCase),
            json);
    }

    internal BindingInfo ToBindingInfo() => new()
    {
        Type = Type,
        Direction = (BindingInfo.Types.Direction)(int)Direction,
        // Undefined when absent, like the host (which sets it only when the metadata has one).
        DataType = Enum.TryParse<BindingInfo.Types.DataType>(DataType, ignoreCase: true, out var dataType) ? dataType : BindingInfo.Types.DataType.Undefined,
    };

    // Binding JSON is matched without regard to case, as the host's and the worker's deserializers do.
    static JsonElement? Property(JsonElement element, string name) =>
        element.EnumerateObject().Where(p => p.NameEquals(name) || string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
            .Select(p => (JsonElement?)p.Value).FirstOrDefault();

    static string? Text(JsonElement element, string name) => Property(element, name) switch
    {
        { ValueKind: JsonValueKind.String } value => value.GetString(),
        { ValueKind: JsonValueKind.True or JsonValueKind.False } value => value.GetBoolean().ToString(),
        _ => null,
    };
}
