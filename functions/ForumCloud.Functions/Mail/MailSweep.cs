using Microsoft.Extensions.Logging;

namespace ForumCloud.Functions.Mail;

/// <summary>
/// Queues again every mail that is due but has no message on its way: pending and overdue by more than two
/// minutes (its message was lost, or no SMTP host was configured when it came), or claimed by a delivery whose
/// lease ran out (the process died mid-send). A spare message is harmless: delivery claims under the ETag.
/// It reads only the open index partition's due rows (<see cref="NoticeIndex"/>), then each notice by its keys, and
/// repairs the index on the way: a settled notice's open row is settled, a row without its notice is dropped, and a
/// mail waiting for its retry or inside a live lease has its row's <c>DueAt</c> moved to then, so it is not read again
/// before. Two sweeps at once (two instances) only queue spare messages.
/// </summary>
public sealed class MailSweep(StorageAccount storage, NoticeIndex index, MailOutbox outbox, MailSettings settings, TimeProvider time, ILogger<MailSweep> logger)
{
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(2);

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        if (!settings.HasHost) return 0; // nothing can be sent; delivery has said why
        var now = time.GetUtcNow();
        int queued = 0, repaired = 0;
        await foreach (var entry in index.DueAsync(now, cancellationToken))
        {
            var notice = await outbox.FindAsync(entry.Notice, cancellationToken);
            switch (notice)
            {
                case null:
                    await index.DropAsync(entry, cancellationToken);
                    repaired++;
                    break;
                case { StatusValue: MailStatus.Sent or MailStatus.Failed }:
                    await index.SettleOrThrowAsync(notice, cancellationToken);
                    repaired++;
                    break;
                case { StatusValue: MailStatus.Pending } when notice.NextAttemptAt > now - Grace:
                    await index.PostponeAsync(entry, notice.NextAttemptAt + Grace, cancellationToken);
                    break;
                case { StatusValue: MailStatus.Sending, ClaimedUntil: { } until } when until > now:
                    await index.PostponeAsync(entry, until, cancellationToken);
                    break;
                default:
                    await QueueMessages.SendAsync(storage.Queue(QueueNames.MailOutbox), new MailDue(notice.PartitionKey, notice.RowKey), cancellationToken);
                    queued++;
                    break;
            }
        }

        logger.LogInformation("Mail sweep: {Count} overdue mail(s) queued again, {Repaired} index row(s) repaired", queued, repaired);
        return queued;
    }
}
