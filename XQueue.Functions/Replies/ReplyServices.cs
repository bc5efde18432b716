namespace XQueue.Functions.Replies;

public static class ReplyServices
{
    public static IServiceCollection AddReplies(this IServiceCollection services) => services.AddSingleton<ResultIntake>();
}
