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
            .PostConfigure(options => DeclareBareQueues(options, section))
            .PostConfigure(DeclareJsonQueues)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<XQueueOptions>, XQueueOptionsValidator>();
        return services;
    }

    static void DeclareJsonQueues(XQueueOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.QueuesJson) || !QueuesJson.TryParse(options.QueuesJson, out var queues, out _)) return;
        foreach (var (name, queue) in queues) options.Queues.TryAdd(name, queue);
    }

    // "Any key under XQueue:Queues:<name> declares it": the binder skips a queue whose keys are all
    // empty, so names are also read from the section itself.
    static void DeclareBareQueues(XQueueOptions options, IConfigurationSection section)
    {
        foreach (var queue in section.GetSection("Queues").GetChildren())
        {
            options.Queues.TryAdd(queue.Key, new QueueOptions());
        }
    }
}
