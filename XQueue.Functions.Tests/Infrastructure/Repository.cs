namespace XQueue.Functions.Tests.Infrastructure;

/// <summary>The repository checkout the tests run from (found above the test output folder).</summary>
public static class Repository
{
    public static string Root { get; } = Find();

    public static string PathTo(params string[] parts) => Path.Combine([Root, .. parts]);

    static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "XQueue.sln"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException("XQueue.sln not found above the test output folder.");
    }
}
