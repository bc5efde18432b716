namespace XQueue.Functions.Intake;

public static class IntakeServices
{
    public static IServiceCollection AddIntake(this IServiceCollection services)
    {
        services.AddSingleton<CallbackIndex>();
        services.AddSingleton<CallbackTargets>();
        services.AddSingleton<SubmissionIntake>();
        return services;
    }
}
