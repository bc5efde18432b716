using Microsoft.Extensions.Options;

namespace XQueue.Functions.Configuration;

public static class ConfigurationServices
{
    public static IServiceCollection AddXQueueOptions(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(XQueueOptions.Section);
        services.AddOptions<XQueueOptions>()
            .Configure(_ => ConfigurationShape.ThrowIfWrong(section, typeof(XQueueOptions))) // before the binder, whose errors name no key
            .Bind(section)
            .PostConfigure(options => DeclareQueues(options, section))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<XQueueOptions>, XQueueOptionsValidator>();
        return services;
    }

    /// <summary>
    /// Adds every queue the <c>XQueue</c> section declares to <paramref name="options"/>: "any key under
    /// XQueue:Queues:&lt;name&gt; declares it" (the binder skips a queue whose keys are all empty, so names are
    /// read from the section itself), then those of a valid XQueue:QueuesJson.
    /// </summary>
    public static void DeclareQueues(XQueueOptions options, IConfigurationSection section)
    {
        foreach (var queue in section.GetSection(nameof(XQueueOptions.Queues)).GetChildren())
        {
            options.Queues.TryAdd(queue.Key, new QueueOptions());
        }
        if (string.IsNullOrWhiteSpace(options.QueuesJson) || !QueuesJson.TryParse(options.QueuesJson, out var queues, out _)) return;
        foreach (var (name, queue) in queues) options.Queues.TryAdd(name, queue);
    }
}
