using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Bench;

/// <summary>The repository the bench runs in (found above its output folder, as the tests find theirs), through git.</summary>
public static class Git
{
    /// <summary>The full commit id <paramref name="reference"/> names; an <see cref="ArgumentException"/> (exit 2) if none.</summary>
    public static async Task<string> CommitAsync(string reference)
    {
        // --end-of-options: a ref is never read as an option, whatever it looks like.
        var (exitCode, output) = await RunAsync("rev-parse", "--verify", "--quiet", "--end-of-options", reference + "^{commit}");
        if (exitCode != 0)
            throw new ArgumentException($"--compare: '{reference}' names no commit in {Repository.Root} (git rev-parse --verify '{reference}^{{commit}}' failed).");
        return output;
    }

    public const string Uncommitted = " + uncommitted changes";

    /// <summary>This checkout's commit, marked when tracked files differ from it (the run measures the files as they are).</summary>
    public static async Task<string> DescribeHeadAsync()
    {
        var head = (await RunAsync("rev-parse", "HEAD")).Output;
        var status = (await RunAsync("status", "--porcelain", "--untracked-files=no")).Output;
        return status.Length == 0 ? head : head + Uncommitted;
    }

    public static Task<(int ExitCode, string Output)> RunAsync(params string[] args) => Command.RunAsync("git", Repository.Root, args);
}
