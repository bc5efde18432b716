using XQueue.Functions.Metrics;
using XQueue.Functions.Submissions;
using XQueue.Functions.WorkQueues;

namespace XQueue.Functions.Dashboard;

/// <summary>
/// One queue: its figures now (the overview's, from the same shared read) and its last hours in larger charts, with
/// links to its submissions. The queue is named in the query (?name=), since a queue's name may hold any character.
/// </summary>
public partial class QueuePage
{
    public static async Task<IResult> Show(HttpContext http, QueueCatalog catalog, OverviewSnapshot overview, QueueHistory history)
    {
        var name = http.Request.Query["name"].ToString();
        if (!catalog.Names.Contains(name, StringComparer.Ordinal))
        {
            return new PageResult<MessagePage>(new { Title = "Queue", Message = $"There is no queue named '{name}'." }, StatusCodes.Status404NotFound);
        }
        var figures = overview.ReadAsync(http.RequestAborted);
        var histories = await history.ReadAsync([name], http.RequestAborted);
        return new PageResult<QueuePage>(new { Figures = (await figures).Queues.First(q => q.Queue == name), History = histories });
    }

    /// <summary>Where a queue's page is.</summary>
    public static string Link(string queue) => $"{Layout.Root}queue?name={Uri.EscapeDataString(queue)}";
}
