using System.Text;
using Azure.Data.Tables;
using ForumCloud.Functions.Platform;

namespace ForumCloud.Tests.Infrastructure;

/// <summary>
/// Everything the app has stored: every entity of every table (keys and properties, without the
/// server's Timestamp) and the message count of every queue. Two equal snapshots mean nothing changed.
/// </summary>
public static class StorageSnapshot
{
    public static async Task<string> TakeAsync(StorageAccount storage)
    {
        var text = new StringBuilder();
        foreach (var table in TableNames.All.Order())
        {
            var rows = await storage.Table(table).QueryAsync<TableEntity>().ToListAsync();
            foreach (var row in rows.OrderBy(r => r.PartitionKey, StringComparer.Ordinal).ThenBy(r => r.RowKey, StringComparer.Ordinal))
            {
                var properties = row.Keys.Where(k => k is not ("Timestamp" or "odata.etag")).Order(StringComparer.Ordinal).Select(k => $"{k}={row[k]}");
                text.Append(table).Append('|').AppendJoin(';', properties).AppendLine();
            }
        }

        foreach (var queue in QueueNames.AllWithPoison.Order())
        {
            var properties = await storage.Queue(queue).GetPropertiesAsync();
            text.Append("queue ").Append(queue).Append('=').Append(properties.Value.ApproximateMessagesCount).AppendLine();
        }

        return text.ToString();
    }
}
