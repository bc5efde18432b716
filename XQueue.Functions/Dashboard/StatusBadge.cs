using XQueue.Functions.Submissions;

namespace XQueue.Functions.Dashboard;

/// <summary>
/// A status as a coloured badge with its name as text (colour alone is not enough to read): the colours
/// of the edx-submissions admin — pending #ffc107, pulled #17a2b8, failed #dc3545, retired #6c757d.
/// </summary>
public partial class StatusBadge
{
    public static readonly IReadOnlyDictionary<SubmissionStatus, string> Colours = new Dictionary<SubmissionStatus, string>
    {
        [SubmissionStatus.Pending] = "#ffc107",
        [SubmissionStatus.Pulled] = "#17a2b8",
        [SubmissionStatus.Failed] = "#dc3545",
        [SubmissionStatus.Retired] = "#6c757d",
    };
}
