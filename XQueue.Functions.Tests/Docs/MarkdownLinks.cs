using System.Text;
using System.Text.RegularExpressions;

namespace XQueue.Functions.Tests.Docs;

/// <summary>One link in a Markdown file: where it is written and what it points at.</summary>
public sealed record MarkdownLink(string File, int Line, string Target);

/// <summary>A link whose file or heading is not there, and why.</summary>
public sealed record BrokenLink(MarkdownLink Link, string Reason)
{
    public string ToString(string root) => $"{Path.GetRelativePath(root, Link.File)}:{Link.Line}: ({Link.Target}) {Reason}";
}

/// <summary>
/// The links and headings of Markdown files as GitHub reads them: links and images outside code (fenced blocks and
/// inline code spans), ATX headings outside fenced blocks, and GitHub's anchor for each heading.
/// </summary>
public static partial class MarkdownLinks
{
    public static IEnumerable<MarkdownLink> Read(string file)
    {
        var number = 0;
        foreach (var (line, inFence) in Lines(file))
        {
            number++;
            if (inFence) continue;
            foreach (Match link in Link().Matches(CodeSpan().Replace(line, "")))
            {
                yield return new MarkdownLink(file, number, link.Groups["target"].Value);
            }
        }
    }

    public static IEnumerable<BrokenLink> Broken(IEnumerable<MarkdownLink> links)
    {
        var anchors = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var link in links)
        {
            if (Scheme().IsMatch(link.Target)) continue; // absolute (https:, mailto:): not followed
            var hash = link.Target.IndexOf('#');
            var path = Uri.UnescapeDataString(hash < 0 ? link.Target : link.Target[..hash]);
            var fragment = hash < 0 ? null : Uri.UnescapeDataString(link.Target[(hash + 1)..]);
            var target = path.Length == 0 ? link.File : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(link.File)!, path));

            if (!File.Exists(target) && !Directory.Exists(target))
            {
                yield return new BrokenLink(link, "no such file");
                continue;
            }
            if (fragment is null) continue;
            if (!target.EndsWith(".md", StringComparison.OrdinalIgnoreCase) || !File.Exists(target))
            {
                yield return new BrokenLink(link, "a fragment on a file that is not Markdown");
                continue;
            }
            if (!anchors.TryGetValue(target, out var known)) anchors[target] = known = Anchors(target);
            if (!known.Contains(fragment)) yield return new BrokenLink(link, $"no heading with anchor #{fragment}");
        }
    }

    /// <summary>The anchors of a file's headings as GitHub makes them; a repeated one gets -1, -2, ….</summary>
    public static HashSet<string> Anchors(string file)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (line, inFence) in Lines(file))
        {
            if (inFence) continue;
            var heading = Heading().Match(line);
            if (!heading.Success) continue;
            var slug = Slug(heading.Groups["text"].Value);
            var count = seen.GetValueOrDefault(slug);
            seen[slug] = count + 1;
            anchors.Add(count == 0 ? slug : $"{slug}-{count}");
        }
        return anchors;
    }

    /// <summary>GitHub's anchor of a heading: its text without Markdown, lowercase, spaces to '-', and every other
    /// character but letters, digits, '-' and '_' dropped.</summary>
    public static string Slug(string heading)
    {
        var text = Link().Replace(heading, m => m.Groups["text"].Value).Replace("`", "").ToLowerInvariant();
        var slug = new StringBuilder(text.Length);
        foreach (var c in text.Trim())
        {
            if (c == ' ') slug.Append('-');
            else if (char.IsLetterOrDigit(c) || c is '-' or '_') slug.Append(c);
        }
        return slug.ToString();
    }

    /// <summary>Each line, and whether it belongs to a fenced code block (its fences included).</summary>
    static IEnumerable<(string Line, bool InFence)> Lines(string file)
    {
        string? fence = null;
        foreach (var line in File.ReadLines(file))
        {
            var opening = Fence().Match(line);
            if (fence is null && opening.Success)
            {
                fence = opening.Groups["fence"].Value;
                yield return (line, true);
            }
            else if (fence is not null)
            {
                if (line.TrimStart().StartsWith(fence, StringComparison.Ordinal) && line.Trim().Trim(fence[0]).Length == 0) fence = null;
                yield return (line, true);
            }
            else
            {
                yield return (line, false);
            }
        }
    }

    [GeneratedRegex(@"!?\[(?<text>(?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*<?(?<target>[^)\s>]+)>?(?:\s+""[^""]*"")?\s*\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"(?<ticks>`+)[^`].*?\k<ticks>")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"^ {0,3}(?<fence>```+|~~~+)")]
    private static partial Regex Fence();

    [GeneratedRegex(@"^ {0,3}#{1,6}[ \t]+(?<text>.*?)(?:[ \t]+#+)?[ \t]*$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9+.-]*:")]
    private static partial Regex Scheme();
}
