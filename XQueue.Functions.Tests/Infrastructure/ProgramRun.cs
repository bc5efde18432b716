namespace XQueue.Functions.Tests.Infrastructure;

/// <summary>
/// The process entry (<see cref="Program.RunAsync"/>, which Main calls with the console's streams) run with
/// the given arguments and standard input; its exit code and what it wrote to standard output and error.
/// </summary>
public sealed record ProgramRun(int ExitCode, string Output, string Error)
{
    public static async Task<ProgramRun> RunAsync(IEnumerable<string> args, string input = "")
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = await Program.RunAsync([.. args], new StringReader(input), output, error);
        return new ProgramRun(exitCode, output.ToString(), error.ToString());
    }
}
