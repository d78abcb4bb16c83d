using Azure.Data.Tables;
using ForumCloud.Functions.Platform;
using Microsoft.Extensions.Logging;

namespace ForumCloud.Functions.Mail;

/// <summary>
/// Queues again every mail that is due but has no message on its way: pending and overdue by more than two
/// minutes (its message was lost, or no SMTP host was configured when it came), or claimed by a delivery whose
/// lease ran out (the process died mid-send). A spare message is harmless: delivery claims under the ETag.
/// </summary>
public sealed class MailSweep(StorageAccount storage, MailSettings settings, TimeProvider time, ILogger<MailSweep> logger)
{
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(2);

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        if (!settings.HasHost) return 0; // nothing can be sent; delivery has said why
        var now = time.GetUtcNow();
        var filter = TableClient.CreateQueryFilter(
            $"(Status eq {ApiEnum.Name(MailStatus.Pending)} and NextAttemptAt le {now - Grace}) or (Status eq {ApiEnum.Name(MailStatus.Sending)} and ClaimedUntil le {now})");
        var queued = 0;
        await foreach (var row in storage.Table(TableNames.Notifications).QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            await QueueMessages.SendAsync(storage.Queue(QueueNames.MailOutbox), new MailDue(row.PartitionKey, row.RowKey), cancellationToken);
            queued++;
        }

        logger.LogInformation("Mail sweep: {Count} overdue mail(s) queued again", queued);
        return queued;
    }
}
