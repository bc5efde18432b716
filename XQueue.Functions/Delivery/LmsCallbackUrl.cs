using System.Text.RegularExpressions;

namespace XQueue.Functions.Delivery;

/// <summary>The learner and problem a result is for, as named by the LMS's callback URL.</summary>
public sealed record LmsCallbackTarget(string CourseId, string UserId, string ModuleId);

/// <summary>
/// Reads the LMS's <c>xqueue_callback</c> route, <c>courses/&lt;course_id&gt;/xqueue/&lt;userid&gt;/&lt;mod_id&gt;/&lt;dispatch&gt;</c>
/// (edx-platform lms/urls.py, with its COURSE_ID_PATTERN). Django matches the percent-decoded path, so this does too.
/// </summary>
public static partial class LmsCallbackUrl
{
    /// <returns>The course, user and module ids, or null when the URL does not have the LMS's shape.</returns>
    public static LmsCallbackTarget? Parse(string? callbackUrl)
    {
        if (string.IsNullOrEmpty(callbackUrl) ||
            !Uri.TryCreate(callbackUrl, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true }, out var url) ||
            url.Scheme is not ("http" or "https"))
        {
            return null;
        }
        string path;
        try
        {
            path = Uri.UnescapeDataString(url.AbsolutePath);
        }
        catch (UriFormatException)
        {
            return null;
        }
        var match = Route().Match(path);
        return match.Success
            ? new LmsCallbackTarget(match.Groups["course"].Value, match.Groups["user"].Value, match.Groups["module"].Value)
            : null;
    }

    // The LMS may sit under a path prefix (XQUEUE_INTERFACE callback_url), so the route may start anywhere after a '/'.
    [GeneratedRegex(@"/courses/(?<course>[^/+]+(?:/|\+)[^/+]+(?:/|\+)[^/?]+)/xqueue/(?<user>[^/]*)/(?<module>.*?)/(?<dispatch>[^/]*)$",
        RegexOptions.CultureInvariant)]
    private static partial Regex Route();
}
