using System.Text.RegularExpressions;

namespace XQueue.Bench.Rig;

/// <summary>One learner's answer as the LMS submits it; the sequence number is in the body, so a grader can tell which it got.</summary>
public sealed partial record BenchSubmission(int Sequence, string Queue, string Header, string Body)
{
    public static int SequenceOf(string body) => int.Parse(SequenceText().Match(body).Groups[1].Value);

    [GeneratedRegex(@"bench-seq:(\d+)")]
    private static partial Regex SequenceText();
}
