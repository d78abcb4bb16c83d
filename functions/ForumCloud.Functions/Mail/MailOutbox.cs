using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;

namespace ForumCloud.Functions.Mail;

/// <summary>
/// The one way mail leaves ForumCloud: <see cref="QueueAsync"/> renders each mail, writes it to the outbox
/// (notifications table) once under its deterministic key, and queues it on mail-outbox for delivery. Once it has
/// returned the mail is durable: a lost queue message is picked up by <see cref="MailSweep"/>. Queuing the same
/// key again (a redelivered message, a timer's second run) writes and queues nothing, so redelivery changes nothing.
/// </summary>
public sealed class MailOutbox(StorageAccount storage, NoticeIndex index, TimeProvider time, ILogger<MailOutbox> logger)
{
    private GroupCommit<OutboxRow>? _singles;

    private TableClient Table => storage.Table(TableNames.Notifications);

    private GroupCommit<OutboxRow> Singles => LazyInitializer.EnsureInitialized(ref _singles,
        () => new GroupCommit<OutboxRow>(100, rows => QueueRowsAsync([.. rows.DistinctBy(r => r.Key)], CancellationToken.None)));

    /// <summary>
    /// One mail, group-committed with the single mails other requests of this process queue at the same moment (a
    /// burst of anonymous registrations each mails its link): up to 100 share the index and outbox transactions. It
    /// returns, as the collection overload does, once its row is written and its message sent; a storage failure of
    /// the shared write fails every mail of that group (each caller sees it, as it would alone).
    /// </summary>
    public Task QueueAsync(MailRequest request, CancellationToken cancellationToken) =>
        Singles.AddAsync(RowOf(request, time.GetUtcNow()), cancellationToken); // rendered here: a template problem stays the caller's own

    public Task QueueAsync(IReadOnlyCollection<MailRequest> requests, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        // An erased contact (PIPL Art. 47) has no address left: there is nobody to write to, so nothing is queued.
        return QueueRowsAsync(requests.Where(r => r.To.Length > 0).DistinctBy(r => r.Key).Select(r => RowOf(r, now)).ToList(), cancellationToken);
    }

    private async Task QueueRowsAsync(List<OutboxRow> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0) return;
        await index.AddOpenAsync(rows, rows[0].CreatedAt + MailSweep.Grace, cancellationToken); // before the notices: see NoticeIndex
        var due = new List<OutboxRow>();
        foreach (var partition in rows.GroupBy(r => r.PartitionKey, StringComparer.Ordinal))
        {
            foreach (var chunk in partition.Chunk(100))
            {
                due.AddRange(await WriteAsync(chunk, cancellationToken));
            }
        }

        await Task.WhenAll(due.Select(row => SendAsync(row, cancellationToken)));
    }

    private async Task SendAsync(OutboxRow row, CancellationToken cancellationToken)
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
    /// Notices by status for staff, paged: a page of the status's index partition (<see cref="NoticeIndex"/>), each
    /// notice then read by its keys. A notice whose state moved on since its index row was written is left out.
    /// </summary>
    public async Task<Platform.Page<NoticeView>> ListAsync(MailStatus status, string? continuation, int pageSize, CancellationToken cancellationToken)
    {
        var fingerprint = "notices-index/" + ApiEnum.Name(status);
        var (entries, next) = await index.PageAsync(NoticeIndex.PartitionFor(status), ContinuationToken.Decode(continuation, fingerprint), pageSize, cancellationToken);
        var notices = await Task.WhenAll(entries.Select(e => FindAsync(e.Notice, cancellationToken)));
        var items = notices.Where(n => n?.StatusValue == status).Select(n => NoticeView.Of(n!)).ToList();
        return new Platform.Page<NoticeView>(items, ContinuationToken.Encode(next, fingerprint));
    }

    /// <summary>
    /// Retention: removes the personal content (recipient, name, subject, bodies, QR payload, calendar entry) of up
    /// to <paramref name="maxRows"/> notices that were sent or failed before <paramref name="settledBefore"/>; keeps
    /// template, language, status, timestamps, attempts and the scrubbed delivery details. Returns how many notices it
    /// changed; call again while it returns <paramref name="maxRows"/>. Found through the settled index partitions
    /// (a RowKey range, no scan); a purged notice's index row goes, so a second call returns 0 and purged notices no
    /// longer appear in the staff lists of sent and failed notices.
    /// </summary>
    public async Task<int> PurgeBodiesAsync(DateTimeOffset settledBefore, int maxRows, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRows, 1);
        var purged = 0;
        foreach (var partition in new[] { NoticeIndex.Sent, NoticeIndex.Failed })
        {
            await foreach (var entry in index.SettledBeforeAsync(partition, settledBefore, cancellationToken))
            {
                if (purged >= maxRows) return purged;
                if (await PurgeAsync(entry.Notice, cancellationToken)) purged++;
                await index.DropAsync(entry, cancellationToken);
            }
        }

        return purged;
    }

    /// <summary>True when this call removed the content; false when it was gone already (or the notice is).</summary>
    private Task<bool> PurgeAsync(OutboxKey key, CancellationToken cancellationToken) =>
        // A 412: written meanwhile (a late duplicate of its delivery message): read it again.
        OptimisticConcurrency.RetryAsync("The notice", async () =>
        {
            if (await FindAsync(key, cancellationToken) is not { PurgedAt: null } row) return false;
            OutboxErasure.Strip(row, time.GetUtcNow());
            await Table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken);
            return true;
        }, cancellationToken, attempts: 4);
}
