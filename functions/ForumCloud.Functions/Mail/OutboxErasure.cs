using Azure;
using Azure.Data.Tables;

namespace ForumCloud.Functions.Mail;

/// <summary>
/// Removes a person's data from the outbox when their registration is erased (by them, or by retention). A mail not
/// yet sent is deleted (nobody should still receive it; delivery skips a row that is gone); a sent or failed one is
/// kept as the log that a mail of that kind went out when, without address, name, subject, bodies, QR or invite.
/// Reads one partition's key range only; running it again changes nothing.
/// </summary>
public sealed class OutboxErasure(StorageAccount storage, TimeProvider time)
{
    private TableClient Table => storage.Table(TableNames.Notifications);

    /// <summary>Erases the outbox rows of one partition whose RowKey starts with <paramref name="rowPrefix"/> ("" for all); the count changed.</summary>
    public async Task<int> EraseAsync(string partition, string rowPrefix, CancellationToken cancellationToken)
    {
        var filter = rowPrefix.Length == 0
            ? TableClient.CreateQueryFilter($"PartitionKey eq {partition}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {rowPrefix} and RowKey lt {RowKeys.After(rowPrefix)}");
        var changed = 0;
        await foreach (var row in Table.QueryAsync<OutboxRow>(filter, cancellationToken: cancellationToken))
        {
            if (await EraseRowAsync(row, cancellationToken)) changed++;
        }

        return changed;
    }

    private async Task<bool> EraseRowAsync(OutboxRow row, CancellationToken cancellationToken)
    {
        try
        {
            if (row.StatusValue is MailStatus.Pending or MailStatus.Sending)
            {
                await Table.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, cancellationToken);
                return true;
            }

            if (IsErased(row)) return false;
            Strip(row, time.GetUtcNow());
            await Table.UpdateEntityAsync(row, ETag.All, TableUpdateMode.Replace, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return false; // erased meanwhile by another run
        }
    }

    public static bool IsErased(OutboxRow row) => row.PurgedAt is not null;

    /// <summary>Keeps what the log needs (template, status, attempts, times, message id); drops everything about the person.</summary>
    public static void Strip(OutboxRow row, DateTimeOffset now)
    {
        row.Recipient = "";
        row.RecipientName = null;
        row.Subject = "";
        row.Text = "";
        row.Html = "";
        row.QrPayload = null;
        row.Calendar = null;
        row.SmtpReply = null;
        row.LastError = null;
        row.PurgedAt = now;
    }
}
