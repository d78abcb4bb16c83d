using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;

namespace ForumCloud.Functions.Mail;

public sealed class MailDeliveryOptions
{
    /// <summary>The wait before each retry of a transient failure; its length bounds the tries (one more than it has).</summary>
    public IReadOnlyList<TimeSpan> RetryDelays { get; set; } =
        [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15), TimeSpan.FromHours(1), TimeSpan.FromHours(4)];

    /// <summary>How long one delivery holds a mail it is sending (longer than an SMTP conversation's timeouts).</summary>
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(2);

    public int MaxAttempts => RetryDelays.Count + 1;
}

/// <summary>
/// Sends one outbox mail: pending → sent (with the message id and the server's reply) or, after bounded retries with
/// backoff, failed. A permanent refusal (5xx) fails at once; a transient one (4xx, a connection problem) is retried
/// by a delayed queue message. Each mail is claimed under its ETag before it is sent, so two copies of one message
/// (at-least-once delivery) do not both send; one bad address fails only its own mail.
/// </summary>
public sealed class MailDelivery(StorageAccount storage, NoticeIndex index, IMailTransport transport, MailSettings settings, MailDeliveryOptions options, TimeProvider time, ILogger<MailDelivery> logger)
{
    private int _warnedNoHost;

    private TableClient Table => storage.Table(TableNames.Notifications);

    public async Task DeliverAsync(MailDue due, CancellationToken cancellationToken)
    {
        var found = await Table.GetEntityIfExistsAsync<OutboxRow>(due.PartitionKey, due.RowKey, cancellationToken: cancellationToken);
        if (!found.HasValue) return;
        var row = found.Value!;
        var now = time.GetUtcNow();
        switch (row.StatusValue)
        {
            case MailStatus.Sent or MailStatus.Failed:
                return;
            case MailStatus.Sending when row.ClaimedUntil > now:
                await RequeueAsync(row, row.ClaimedUntil.Value - now, cancellationToken); // another delivery holds it: look again after its lease
                return;
            case MailStatus.Pending when row.NextAttemptAt > now + TimeSpan.FromSeconds(1):
                await RequeueAsync(row, row.NextAttemptAt - now, cancellationToken); // an early duplicate of a delayed retry
                return;
        }

        if (!settings.HasHost)
        {
            WarnNoHost();
            return; // stays pending: the sweep queues it again once a host is configured
        }

        if (await ClaimAsync(row, now, cancellationToken) is not { } claimed) return;
        try
        {
            var message = MailMessageBuilder.Build(row, settings.From, now);
            var reply = await transport.SendAsync(message, cancellationToken);
            row.Status = ApiEnum.Name(MailStatus.Sent);
            row.MessageId = message.MessageId;
            row.SmtpReply = MailText.SingleLine(SmtpMailTransport.Scrub(reply), 300);
            row.SentAt = time.GetUtcNow();
            row.LastError = null;
            row.ClaimedUntil = null;
            await Table.UpdateEntityAsync(row, claimed, TableUpdateMode.Replace, cancellationToken);
            await index.SettleAsync(row, cancellationToken);
            logger.LogInformation("Mail {NoticeId} ({Template}) sent on attempt {Attempt}", row.Key.ToString(), row.Template, row.Attempts);
        }
        catch (MailDeliveryException ex)
        {
            await RecordFailureAsync(row, claimed, ex, cancellationToken);
        }
    }

    /// <summary>The poison queue's verdict: this mail could not even be tried; staff see it as failed.</summary>
    public async Task GiveUpAsync(MailDue due, CancellationToken cancellationToken)
    {
        var found = await Table.GetEntityIfExistsAsync<OutboxRow>(due.PartitionKey, due.RowKey, cancellationToken: cancellationToken);
        if (!found.HasValue || found.Value!.StatusValue is MailStatus.Sent or MailStatus.Failed) return;
        var row = found.Value!;
        row.Status = ApiEnum.Name(MailStatus.Failed);
        row.FailedAt = time.GetUtcNow();
        row.LastError ??= "Delivery kept failing before the mail server was reached (moved to the poison queue).";
        await Table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken);
        await index.SettleAsync(row, cancellationToken);
        logger.LogError("Mail {NoticeId} ({Template}) failed: its queue message was poisoned", row.Key.ToString(), row.Template);
    }

    private async Task<ETag?> ClaimAsync(OutboxRow row, DateTimeOffset now, CancellationToken cancellationToken)
    {
        row.Status = ApiEnum.Name(MailStatus.Sending);
        row.Attempts++;
        row.ClaimedUntil = now + options.ClaimLease;
        try
        {
            return (await Table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken)).Headers.ETag;
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            return null; // another copy of the message claimed it first
        }
    }

    private async Task RecordFailureAsync(OutboxRow row, ETag claimed, MailDeliveryException ex, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var giveUp = ex.Permanent || row.Attempts >= options.MaxAttempts;
        row.LastError = MailText.SingleLine(SmtpMailTransport.Scrub(ex.Message), 500);
        row.ClaimedUntil = null;
        if (giveUp)
        {
            row.Status = ApiEnum.Name(MailStatus.Failed);
            row.FailedAt = now;
        }
        else
        {
            row.Status = ApiEnum.Name(MailStatus.Pending);
            row.NextAttemptAt = now + options.RetryDelays[row.Attempts - 1];
        }

        await Table.UpdateEntityAsync(row, claimed, TableUpdateMode.Replace, cancellationToken);
        if (giveUp)
        {
            await index.SettleAsync(row, cancellationToken);
            logger.LogWarning("Mail {NoticeId} ({Template}) failed after {Attempts} attempt(s), {Kind}: {Reason}",
                row.Key.ToString(), row.Template, row.Attempts, ex.Permanent ? "refused" : "still failing", row.LastError);
            return;
        }

        logger.LogInformation("Mail {NoticeId} ({Template}) attempt {Attempt} failed ({Reason}); retry at {NextAttemptAt:O}", row.Key.ToString(), row.Template, row.Attempts, row.LastError, row.NextAttemptAt);
        await RequeueAsync(row, row.NextAttemptAt - now, cancellationToken);
    }

    private Task RequeueAsync(OutboxRow row, TimeSpan delay, CancellationToken cancellationToken) =>
        QueueMessages.SendAsync(storage.Queue(QueueNames.MailOutbox), new MailDue(row.PartitionKey, row.RowKey), Clamp(delay), cancellationToken);

    /// <summary>A queue message may be hidden for at most 7 days.</summary>
    private static TimeSpan Clamp(TimeSpan delay) => delay < TimeSpan.Zero ? TimeSpan.Zero : delay > TimeSpan.FromDays(6) ? TimeSpan.FromDays(6) : delay;

    private void WarnNoHost()
    {
        if (Interlocked.Exchange(ref _warnedNoHost, 1) == 0)
        {
            logger.LogError("No mail is sent: the app setting {Setting} is not set. Notices stay pending in the outbox and go out once it is configured.", SettingNames.MailSmtpHost);
        }
    }
}
