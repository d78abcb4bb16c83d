using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using ForumCloud.Functions.Platform;
using Microsoft.Extensions.Logging;

namespace ForumCloud.Functions.Mail;

/// <summary>
/// The one way mail leaves ForumCloud: <see cref="QueueAsync"/> renders each mail, writes it to the outbox
/// (notifications table) once under its deterministic key, and queues it on mail-outbox for delivery. Once it has
/// returned the mail is durable: a lost queue message is picked up by <see cref="MailSweep"/>. Queuing the same
/// key again (a redelivered message, a timer's second run) writes and queues nothing, so redelivery changes nothing.
/// </summary>
public sealed class MailOutbox(StorageAccount storage, TimeProvider time, ILogger<MailOutbox> logger)
{
    private TableClient Table => storage.Table(TableNames.Notifications);

    public Task QueueAsync(MailRequest request, CancellationToken cancellationToken) => QueueAsync([request], cancellationToken);

    public async Task QueueAsync(IReadOnlyCollection<MailRequest> requests, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        // An erased contact (PIPL Art. 47) has no address left: there is nobody to write to, so nothing is queued.
        var rows = requests.Where(r => r.To.Length > 0).DistinctBy(r => r.Key).Select(r => RowOf(r, now)).ToList();
        var due = new List<OutboxRow>();
        foreach (var partition in rows.GroupBy(r => r.PartitionKey, StringComparer.Ordinal))
        {
            foreach (var chunk in partition.Chunk(100))
            {
                due.AddRange(await WriteAsync(chunk, cancellationToken));
            }
        }

        foreach (var row in due)
        {
            try
            {
                await QueueMessages.SendAsync(storage.Queue(QueueNames.MailOutbox), new MailDue(row.PartitionKey, row.RowKey), cancellationToken);
            }
            catch (Exception ex) when (StorageFaults.IsOutage(ex) || ex is RequestFailedException)
            {
                logger.LogWarning(ex, "Mail {NoticeId} is in the outbox but not queued; the mail sweep will queue it", row.Key.ToString());
            }
        }
    }

    /// <summary>The rows written now (those already there have their own message, or the sweep queues them).</summary>
    private async Task<List<OutboxRow>> WriteAsync(OutboxRow[] rows, CancellationToken cancellationToken)
    {
        try
        {
            await Table.SubmitTransactionAsync(rows.Select(r => new TableTransactionAction(TableTransactionActionType.Add, r)), cancellationToken);
            return [.. rows];
        }
        catch (TableTransactionFailedException ex) when (ex.Status == 409)
        {
            // Some were queued before (a redelivered message): one by one, keeping what exists.
        }

        var due = new List<OutboxRow>();
        foreach (var row in rows)
        {
            try
            {
                await Table.AddEntityAsync(row, cancellationToken);
                due.Add(row);
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                // Queued before: kept as it is.
            }
        }

        return due;
    }

    private static OutboxRow RowOf(MailRequest request, DateTimeOffset now)
    {
        var rendered = MailComposer.Render(request, request.QrPayload is not null);
        return new OutboxRow
        {
            PartitionKey = request.Key.Partition,
            RowKey = request.Key.Row,
            Template = request.Template,
            Language = request.Language is { } l ? ApiEnum.Name(l) : null,
            Recipient = request.To,
            RecipientName = request.ToName is null ? null : MailText.SingleLine(request.ToName, 200),
            Subject = rendered.Subject,
            Text = rendered.Text,
            Html = rendered.Html,
            QrPayload = request.QrPayload,
            Calendar = request.Calendar is null ? null : JsonSerializer.Serialize(request.Calendar, ApiJson.Options),
            CreatedAt = now,
            NextAttemptAt = now,
        };
    }

    public async Task<OutboxRow?> FindAsync(OutboxKey key, CancellationToken cancellationToken)
    {
        var row = await Table.GetEntityIfExistsAsync<OutboxRow>(key.Partition, key.Row, cancellationToken: cancellationToken);
        return row.HasValue ? row.Value : null;
    }

    /// <summary>
    /// Notices by status for staff, paged. A filter across partitions (the outbox is keyed by what a mail is about,
    /// not by its state); fine for a back office's volume, and the filter runs in the table service.
    /// </summary>
    public async Task<Platform.Page<NoticeView>> ListAsync(MailStatus status, string? continuation, int pageSize, CancellationToken cancellationToken)
    {
        var fingerprint = "notices/" + ApiEnum.Name(status);
        var page = await Table.QueryAsync<OutboxRow>(TableClient.CreateQueryFilter($"Status eq {ApiEnum.Name(status)}"), maxPerPage: pageSize, cancellationToken: cancellationToken)
            .AsPages(ContinuationToken.Decode(continuation, fingerprint), pageSize)
            .FirstAsync(cancellationToken);
        return new Platform.Page<NoticeView>(page.Values.Select(NoticeView.Of).ToList(), ContinuationToken.Encode(page.ContinuationToken, fingerprint));
    }
}
