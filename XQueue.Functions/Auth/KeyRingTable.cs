using Azure.Data.Tables;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using XQueue.Functions.Storage;

namespace XQueue.Functions.Auth;

/// <summary>
/// The ASP.NET Core data-protection key ring (it signs the dashboard's antiforgery tokens) kept in the
/// sessions table, so every instance and every restart accepts the forms another one served. Data
/// protection reads the ring once and caches it for a day, so the synchronous calls here are rare.
/// Protected like the session key beside it: by who may read the storage account.
/// </summary>
public sealed class KeyRingTable(TableClient table) : IXmlRepository
{
    const string Partition = "dataprotection";

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        var rows = Task.Run(async () =>
        {
            var found = new List<TableEntity>();
            await foreach (var row in table.QueryAllAsync($"PartitionKey eq '{Partition}'")) found.Add(row);
            return found;
        }).GetAwaiter().GetResult();
        return rows.Select(row => XElement.Parse(row.GetString("Xml") ?? "<empty/>")).ToArray();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        var rowKey = new string(friendlyName.Where(char.IsAsciiLetterOrDigit).ToArray()) is { Length: > 0 } key ? key : Guid.NewGuid().ToString("N");
        var row = new TableEntity(Partition, rowKey) { ["Xml"] = element.ToString(SaveOptions.DisableFormatting) };
        Task.Run(() => table.UpsertEntityAsync(row, TableUpdateMode.Replace)).GetAwaiter().GetResult();
    }
}
