using Azure;
using Azure.Data.Tables;

namespace ForumCloud.Functions.Platform;

/// <summary>
/// The four properties Table Storage keeps on every entity, written once for the typed rows. A row whose key is
/// fixed by its kind (an event's "event" row, its ledger) passes it in, so a new row is addressed before it is filled.
/// </summary>
public abstract class StoredRow(string partitionKey = "", string rowKey = "") : ITableEntity
{
    public string PartitionKey { get; set; } = partitionKey;
    public string RowKey { get; set; } = rowKey;
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }
}
