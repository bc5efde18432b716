using Microsoft.Extensions.Options;
using XQueue.Functions.Configuration;
using XQueue.Functions.Hosting;
using XQueue.Functions.Storage;

namespace XQueue.Functions.Auth;

/// <summary>
/// <c>XQueue.Functions user add|set-password|remove &lt;name&gt; [--roles submit,grade]</c>: legacy users kept in
/// storage, so no password needs to stay in configuration. The password is read from standard input (one
/// line), never from the command line, where it would end up in shell history and process listings.
/// It needs only storage (AzureWebJobsStorage, XQueue:StoragePrefix), not the queues or any other setting.
/// </summary>
public static class UserCommand
{
    public const string Usage = "usage: XQueue.Functions user add <name> --roles submit,grade,admin | user set-password <name> | user remove <name>  (password on standard input)";

    public static async Task<int> RunAsync(string[] args, TextReader input, TextWriter output, TextWriter error)
    {
        var line = CommandLine.Parse(args, "--roles");
        if (line.Words is not [var verb, var name] || verb is not ("add" or "set-password" or "remove"))
        {
            error.WriteLine(Usage);
            return 2;
        }
        var roles = Roles.Parse(line.Option("roles"));
        if (roles.Any(role => !Roles.All.Contains(role)))
        {
            error.WriteLine($"--roles takes {string.Join(", ", Roles.All)}.");
            return 2;
        }

        await using var services = StorageOnly(AppBuilder.Create(line.ConfigurationArgs).Configuration);
        var users = services.GetRequiredService<UserStore>();
        await users.EnsureTableAsync();
        var existing = await users.FindAsync(name);
        if (verb == "remove")
        {
            if (existing is null) return NotFound(error, name);
            await users.RemoveAsync(name);
            output.WriteLine($"User {name} removed.");
            return 0;
        }
        if (verb == "set-password" && existing is null) return NotFound(error, name);

        var password = input.ReadLine();
        if (string.IsNullOrEmpty(password) || password.Length < 12)
        {
            error.WriteLine("The password (standard input, one line) must have at least 12 characters.");
            return 2;
        }
        await users.SaveAsync(name, password, verb == "add" ? roles : existing!.Roles);
        output.WriteLine(verb == "add" ? $"User {name} saved with roles {string.Join(",", roles)}." : $"Password of {name} changed.");
        return 0;
    }

    /// <summary>
    /// The <see cref="UserStore"/> and what it reads: the storage account, the storage prefix, and the users
    /// configuration seeds (so a seeded user stays marked as such when its password is set here).
    /// </summary>
    static ServiceProvider StorageOnly(IConfiguration configuration)
    {
        var xqueue = configuration.GetSection(XQueueOptions.Section);
        var options = new XQueueOptions
        {
            StoragePrefix = xqueue.GetSection(nameof(XQueueOptions.StoragePrefix)).GetChecked<string>() ?? "",
            Users = new(xqueue.GetSection(nameof(XQueueOptions.Users)).GetChecked<Dictionary<string, UserSeed>>() ?? [], StringComparer.Ordinal),
        };
        var problems = new List<string>();
        XQueueOptionsValidator.CheckStoragePrefix(options.StoragePrefix, (ok, message) => { if (!ok) problems.Add(message); });
        if (problems.Count > 0) throw new OptionsValidationException(XQueueOptions.Section, typeof(XQueueOptions), problems);

        return new ServiceCollection()
            .AddLogging()
            .AddMemoryCache()
            .AddSingleton(Options.Create(options))
            .AddStorageAccount(configuration)
            .AddSingleton<UserStore>()
            .BuildServiceProvider();
    }

    static int NotFound(TextWriter error, string name)
    {
        error.WriteLine($"No user {name}.");
        return 2;
    }
}
