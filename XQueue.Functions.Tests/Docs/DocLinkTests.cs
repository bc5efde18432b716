using XQueue.Functions.Tests.Infrastructure;

namespace XQueue.Functions.Tests.Docs;

/// <summary>
/// README.md is a front door to docs/: every relative link in it and in docs/*.md must reach a file that exists,
/// and a <c>#fragment</c> a heading of its target, under GitHub's anchor rules. Absolute links are not followed.
/// </summary>
public sealed class DocLinkTests
{
    [Fact]
    public void Every_relative_link_in_the_readme_and_docs_resolves()
    {
        var documents = new[] { Repository.PathTo("README.md") }
            .Concat(Directory.GetFiles(Repository.PathTo("docs"), "*.md", SearchOption.AllDirectories))
            .Order(StringComparer.Ordinal)
            .ToList();
        var links = documents.SelectMany(MarkdownLinks.Read).ToList();

        var broken = MarkdownLinks.Broken(links).Select(b => b.ToString(Repository.Root)).ToList();

        Assert.True(links.Count > 50, $"only {links.Count} links found: the reader misses links");
        Assert.True(broken.Count == 0, "Broken links:\n" + string.Join("\n", broken));
    }

    [Fact]
    public void A_missing_file_an_unknown_heading_and_a_duplicate_headings_number_are_told_apart_from_good_links()
    {
        var folder = Directory.CreateTempSubdirectory("xqueue-doc-links-");
        try
        {
            File.WriteAllText(Path.Combine(folder.FullName, "target.md"), """
                # The grader API: beyond the original
                ## Bulk pull and put
                ## Long-poll
                ## Long-poll
                ```sh
                # not a heading
                ```
                ## `XQueue:MaxLease` and [leases](other.md)
                """);
            File.WriteAllText(Path.Combine(folder.FullName, "source.md"), """
                [ok](target.md) [ok](target.md#the-grader-api-beyond-the-original) [ok](target.md#bulk-pull-and-put)
                [ok](target.md#long-poll-1) [ok](target.md#xqueuemaxlease-and-leases) [ok](#a-heading) [ok](https://example.com/x.md#y)
                ![image](missing.png)
                [bad](target.md#long-poll-2) [bad](target.md#not-a-heading) [bad](nowhere.md) `[code](nowhere.md)`
                ```
                [code](nowhere.md)
                ```
                ## A heading
                """);

            var broken = MarkdownLinks.Broken(MarkdownLinks.Read(Path.Combine(folder.FullName, "source.md")))
                .Select(b => (b.Link.Line, b.Link.Target)).ToList();

            Assert.Equal(
                new[] { (3, "missing.png"), (4, "target.md#long-poll-2"), (4, "target.md#not-a-heading"), (4, "nowhere.md") },
                broken);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
