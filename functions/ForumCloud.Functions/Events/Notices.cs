using Azure;
using Azure.Data.Tables;
using ForumCloud.Functions.Platform;
using Microsoft.Extensions.Logging;

namespace ForumCloud.Functions.Events;

/// <summary>A notice to an attendee, as stored in the outbox and handed to the sender.</summary>
public sealed record Notice(string Id, string EventId, string Code, RegistrationChangeKind Kind, string Recipient, string Subject, string Text);

/// <summary>Delivers notices (mail, in a deployment that has a mail service). Swap the registration to change it.</summary>
public interface INotificationSender
{
    Task SendAsync(Notice notice, CancellationToken cancellationToken);
}

/// <summary>The default sender: logs that a notice went out, never the recipient's address.</summary>
public sealed class LoggingNotificationSender(ILogger<LoggingNotificationSender> logger) : INotificationSender
{
    public Task SendAsync(Notice notice, CancellationToken cancellationToken)
    {
        logger.LogInformation("Notice {NoticeId} ({Kind}) for registration {Code} of {EventId}: {Subject}", notice.Id, notice.Kind, notice.Code, notice.EventId, notice.Subject);
        return Task.CompletedTask;
    }
}

public sealed class NoticeRow : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string EventId { get; set; } = "";
    public string Code { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Recipient { get; set; } = "";
    public string Subject { get; set; } = "";
    public string Text { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }

    /// <summary>Outbox keys: PartitionKey "event-{eventId}", RowKey "{code}-{kind}" — deterministic, so a redelivered message finds its notice.</summary>
    public static string PartitionFor(string eventId) => "event-" + eventId;

    public static string RowFor(string code, RegistrationChangeKind kind) => code + "-" + kind.ToString().ToLowerInvariant();

    public Notice ToNotice() => new(PartitionKey + "/" + RowKey, EventId, Code, Enum.Parse<RegistrationChangeKind>(Kind), Recipient, Subject, Text);
}

/// <summary>
/// The registration-changes handler's logic: writes each change's notice to the outbox once, hands it to the
/// sender, and marks it sent; a cancellation or added capacity also fills free seats from the waitlist.
/// Redelivery is harmless: an outbox row is keyed by (code, kind), a notice already written is not written
/// again and a notice marked sent is not sent again. The notices of one message share the outbox partition
/// of their event, so they are written (and marked) in one transaction.
/// </summary>
public sealed class RegistrationNotices(StorageAccount storage, WaitlistPromotion promotion, INotificationSender sender, TimeProvider time, ILogger<RegistrationNotices> logger)
{
    // Azure Table filters allow 15 comparisons; the partition takes one.
    private const int KeysPerQuery = 14;

    public async Task HandleAsync(RegistrationChange message, CancellationToken cancellationToken)
    {
        if (!RouteIds.EventSlug.IsValid(message.EventId)) throw new InvalidOperationException("A registration change names no valid event.");
        var notices = message.Changes
            .Where(c => c.Kind != RegistrationChangeKind.SeatsAdded && c.Code is not null && RegistrationCodes.PartitionOf(c.Code).Length == RegistrationCodes.PrefixLength)
            .DistinctBy(c => NoticeRow.RowFor(c.Code!, c.Kind))
            .ToList();
        if (notices.Count > 0) await NotifyAsync(message.EventId, notices, cancellationToken);
        if (message.Changes.Any(c => c.Kind is RegistrationChangeKind.Cancelled or RegistrationChangeKind.SeatsAdded))
        {
            var promoted = await promotion.FillFreeSeatsAsync(message.EventId, cancellationToken);
            if (promoted.Count > 0) logger.LogInformation("Promoted {Count} from the waitlist of {EventId}", promoted.Count, message.EventId);
        }
    }

    private async Task NotifyAsync(string eventId, List<ChangedRegistration> changes, CancellationToken cancellationToken)
    {
        var outbox = storage.Table(TableNames.Notifications);
        var partition = NoticeRow.PartitionFor(eventId);
        var keyOf = changes.ToDictionary(c => NoticeRow.RowFor(c.Code!, c.Kind), c => c);
        var written = await ReadByKeysAsync<NoticeRow>(outbox, partition, keyOf.Keys, cancellationToken);

        // Read for every change, not only the missing notices: the rows (and their ETags) also serve to clear PendingNotice.
        var events = storage.Table(TableNames.ForumEvents);
        var registrations = await ReadByKeysAsync<RegistrationRow>(events, eventId, changes.Select(c => EventKeys.Registration(c.Code!)).Distinct(), cancellationToken);
        var missing = keyOf.Where(k => !written.ContainsKey(k.Key)).Select(k => k.Value).ToList();
        if (missing.Count > 0)
        {
            var eventRow = await events.GetEntityIfExistsAsync<EventRow>(eventId, EventKeys.Event, cancellationToken: cancellationToken);
            var now = time.GetUtcNow();
            var rows = new List<NoticeRow>();
            foreach (var change in missing)
            {
                if (!registrations.TryGetValue(EventKeys.Registration(change.Code!), out var registration))
                {
                    logger.LogWarning("No registration {Code} in {EventId} for a {Kind} notice", change.Code, eventId, change.Kind);
                    continue;
                }

                var (subject, text) = NoticeText.For(change, registration, eventRow.HasValue ? eventRow.Value : null);
                rows.Add(new NoticeRow
                {
                    PartitionKey = partition,
                    RowKey = NoticeRow.RowFor(change.Code!, change.Kind),
                    EventId = eventId,
                    Code = change.Code!,
                    Kind = change.Kind.ToString(),
                    Recipient = registration.Email,
                    Subject = subject,
                    Text = text,
                    CreatedAt = now,
                });
            }

            try
            {
                foreach (var chunk in rows.Chunk(SeatAllocator.MaxOperations))
                {
                    await outbox.SubmitTransactionAsync(chunk.Select(r => new TableTransactionAction(TableTransactionActionType.Add, r)), cancellationToken);
                }

                foreach (var row in rows) written[row.RowKey] = row;
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 409)
            {
                // Another delivery of this message wrote some meanwhile: throw so it is retried and finds them all.
                throw new InvalidOperationException("Notices were written concurrently; the message will be retried.", ex);
            }
        }

        var unsent = written.Values.Where(n => n.SentAt is null).ToList();
        foreach (var notice in unsent) await sender.SendAsync(notice.ToNotice(), cancellationToken);

        var sentAt = time.GetUtcNow();
        foreach (var chunk in unsent.Chunk(SeatAllocator.MaxOperations))
        {
            await outbox.SubmitTransactionAsync(chunk.Select(n => new TableTransactionAction(TableTransactionActionType.UpdateMerge,
                new TableEntity(n.PartitionKey, n.RowKey) { ["SentAt"] = sentAt }, ETag.All)), cancellationToken);
        }

        await ClearPendingAsync(events, changes.Where(c => written.ContainsKey(NoticeRow.RowFor(c.Code!, c.Kind))), registrations, cancellationToken);
    }

    /// <summary>
    /// The notices are out: clear PendingNotice on the registrations that still wait for exactly this kind, in
    /// transactions of the event's partition (one per message in the usual case, not one write per registration).
    /// Each row is guarded by the ETag read before the notice was written: a 412 means a newer change (with its
    /// own message and its own PendingNotice) came meanwhile, and that row is left alone. A replace rather than a
    /// merge, because a merge cannot remove a property; under the ETag it writes back exactly what was read.
    /// </summary>
    private async Task ClearPendingAsync(TableClient events, IEnumerable<ChangedRegistration> announced, Dictionary<string, RegistrationRow> registrations, CancellationToken cancellationToken)
    {
        var rows = announced
            .Select(c => registrations.TryGetValue(EventKeys.Registration(c.Code!), out var row) && row.PendingNotice == c.Kind.ToString() ? row : null)
            .OfType<RegistrationRow>()
            .DistinctBy(r => r.RowKey)
            .ToList();
        foreach (var chunk in rows.Chunk(SeatAllocator.MaxOperations))
        {
            var actions = chunk.Select(row =>
            {
                row.PendingNotice = null;
                row.PendingSince = null;
                return new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, row.ETag);
            }).ToList();
            while (actions.Count > 0)
            {
                try
                {
                    await events.SubmitTransactionAsync(actions, cancellationToken);
                    break;
                }
                catch (TableTransactionFailedException ex) when (ex.Status is 412 or 404 && ex.FailedTransactionActionIndex is int failed && failed < actions.Count)
                {
                    actions.RemoveAt(failed); // changed or gone since it was read: not ours to clear
                }
                catch (TableTransactionFailedException ex) when (ex.Status is 412 or 404)
                {
                    // Which row moved is not reported: clear the others one by one (rare, so the extra writes do not matter).
                    var left = 0;
                    foreach (var action in actions)
                    {
                        try
                        {
                            await events.UpdateEntityAsync(action.Entity, action.ETag, TableUpdateMode.Replace, cancellationToken);
                        }
                        catch (RequestFailedException one) when (one.Status is 412 or 404)
                        {
                            left++;
                        }
                    }

                    logger.LogDebug("{Left} of {Count} PendingNotice mark(s) in {EventId} belong to a newer change", left, actions.Count, actions[0].Entity.PartitionKey);
                    break;
                }
            }
        }
    }

    /// <summary>Rows of one partition by RowKey, in a few queries rather than one read each.</summary>
    private static async Task<Dictionary<string, T>> ReadByKeysAsync<T>(TableClient table, string partition, IEnumerable<string> rowKeys, CancellationToken cancellationToken)
        where T : class, ITableEntity
    {
        var found = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var chunk in rowKeys.Chunk(KeysPerQuery))
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition}") + " and (" +
                string.Join(" or ", chunk.Select(key => TableClient.CreateQueryFilter($"RowKey eq {key}"))) + ")";
            await foreach (var row in table.QueryAsync<T>(filter, cancellationToken: cancellationToken)) found[row.RowKey] = row;
        }

        return found;
    }
}

/// <summary>The words of each notice.</summary>
public static class NoticeText
{
    public static (string Subject, string Text) For(ChangedRegistration change, RegistrationRow registration, EventRow? eventRow)
    {
        var title = eventRow?.Title ?? registration.PartitionKey;
        var when = eventRow is null ? "" : $" on {ForumTime.Local(eventRow.StartsAt):yyyy-MM-dd HH:mm} (Beijing time) at {eventRow.Venue}";
        var greeting = $"Dear {registration.Name},\n\n";
        var footer = $"\n\nYour registration code: {registration.Code}. Keep the manage token you received when registering to view or cancel it.\n\nZhongguancun Forum registration desk";
        return change.Kind switch
        {
            RegistrationChangeKind.Confirmed => ($"Registration confirmed: {title}", greeting + $"your seat at {title}{when} is confirmed." + footer),
            RegistrationChangeKind.Waitlisted => ($"On the waitlist: {title}", greeting +
                $"{title} is fully booked; you are on the waitlist{(change.WaitlistPosition is { } p ? $" at position {p}" : "")}. We will write as soon as a seat is yours." + footer),
            RegistrationChangeKind.Promoted => ($"A seat is yours: {title}", greeting + $"a seat became free and is now yours: your registration for {title}{when} is confirmed." + footer),
            RegistrationChangeKind.Cancelled => ($"Registration cancelled: {title}", greeting + $"your registration for {title} is cancelled." + footer),
            RegistrationChangeKind.CheckedIn => ($"Welcome to {title}", greeting + $"you were checked in at {ForumTime.Local(registration.CheckedInAt ?? DateTimeOffset.UtcNow):yyyy-MM-dd HH:mm} (Beijing time). Enjoy the forum." + footer),
            _ => throw new InvalidOperationException($"No notice for {change.Kind}."),
        };
    }
}
