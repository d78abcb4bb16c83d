using Azure;
using Azure.Data.Tables;
using ForumCloud.Functions.Mail;
using Microsoft.Extensions.Logging;

namespace ForumCloud.Functions.Events;

/// <summary>
/// The registration-changes handler's logic: queues each change's mail in the outbox once (the outbox sends it,
/// see Mail/), then clears the registration's PendingNotice; a cancellation or added capacity also fills free seats
/// from the waitlist; a change of the event by staff tells every registrant. Redelivery is harmless: an outbox row is
/// keyed by (code, kind), and a mail already queued is not queued again. The mails of one message share the outbox
/// partition of their event, so they are written in one transaction.
/// </summary>
public sealed class RegistrationNotices(StorageAccount storage, WaitlistPromotion promotion, MailOutbox outbox, MailSettings mail, ILogger<RegistrationNotices> logger)
{
    // Azure Table filters allow 15 comparisons; the partition takes one.
    private const int KeysPerQuery = 14;

    public async Task HandleAsync(RegistrationChange message, CancellationToken cancellationToken)
    {
        if (!RouteIds.EventSlug.IsValid(message.EventId)) throw new InvalidOperationException("A registration change names no valid event.");
        var notices = message.Changes
            .Where(c => c.Kind is not (RegistrationChangeKind.SeatsAdded or RegistrationChangeKind.EventChanged or RegistrationChangeKind.EventCancelled or RegistrationChangeKind.HoldExpired) && c.Code is not null && RegistrationCodes.PartitionOf(c.Code).Length == RegistrationCodes.PrefixLength)
            .DistinctBy(c => RegistrationMail.RowFor(c.Code!, c.Kind))
            .ToList();
        if (notices.Count > 0) await NotifyAsync(message.EventId, notices, cancellationToken);
        foreach (var kind in message.Changes.Select(c => c.Kind).Where(k => k is RegistrationChangeKind.EventChanged or RegistrationChangeKind.EventCancelled).Distinct())
        {
            await NotifyEveryoneAsync(message.EventId, kind, cancellationToken);
        }

        // An expired hold (released by RegistrationChangeFunctions before this runs) frees a seat for the waitlist too.
        if (message.Changes.Any(c => c.Kind is RegistrationChangeKind.Cancelled or RegistrationChangeKind.SeatsAdded or RegistrationChangeKind.HoldExpired))
        {
            var promoted = await promotion.FillFreeSeatsAsync(message.EventId, cancellationToken);
            if (promoted.Count > 0) logger.LogInformation("Promoted {Count} from the waitlist of {EventId}", promoted.Count, message.EventId);
        }
    }

    private async Task NotifyAsync(string eventId, List<ChangedRegistration> changes, CancellationToken cancellationToken)
    {
        // Read for every change: the rows (and their ETags) also serve to clear PendingNotice.
        var events = storage.Table(TableNames.ForumEvents);
        var registrations = await ReadByKeysAsync<RegistrationRow>(events, eventId, changes.Select(c => EventKeys.Registration(c.Code!)).Distinct(), cancellationToken);
        var eventRow = await events.GetEntityIfExistsAsync<EventRow>(eventId, EventKeys.Event, cancellationToken: cancellationToken);
        if (!eventRow.HasValue)
        {
            logger.LogWarning("No event {EventId} for {Count} notice(s)", eventId, changes.Count);
            return;
        }

        var mails = new List<MailRequest>();
        var announced = new List<ChangedRegistration>();
        foreach (var change in changes)
        {
            if (!registrations.TryGetValue(EventKeys.Registration(change.Code!), out var registration))
            {
                logger.LogWarning("No registration {Code} in {EventId} for a {Kind} notice", change.Code, eventId, change.Kind);
                continue;
            }

            if (Superseded(change.Kind, registration.StatusValue))
            {
                // Messages are not handled in order: a waitlist mail that comes after the promotion would take the seat
                // back in the reader's eyes. The newer change has its own message and its own PendingNotice mark.
                logger.LogInformation("{Kind} notice of {Code} in {EventId} not sent: the registration is {Status} by now", change.Kind, change.Code, eventId, registration.StatusValue);
                continue;
            }

            mails.Add(await MailForAsync(change.Kind, registration, eventRow.Value!, change.WaitlistPosition, cancellationToken));
            announced.Add(change);
        }

        await outbox.QueueAsync(mails, cancellationToken);
        await ClearPendingAsync(events, announced, registrations, cancellationToken);
    }

    /// <summary>True when the registration has moved on since the change: a waitlist place since promoted or cancelled, a seat since cancelled.</summary>
    public static bool Superseded(RegistrationChangeKind kind, RegistrationStatus now) => kind switch
    {
        RegistrationChangeKind.Waitlisted => now != RegistrationStatus.Waitlisted,
        RegistrationChangeKind.Confirmed or RegistrationChangeKind.Promoted => now == RegistrationStatus.Cancelled,
        _ => false,
    };

    /// <summary>A change of the event itself: every registrant still holding a place gets the mail (and the updated invite).</summary>
    private async Task NotifyEveryoneAsync(string eventId, RegistrationChangeKind kind, CancellationToken cancellationToken)
    {
        var events = storage.Table(TableNames.ForumEvents);
        var eventRow = await events.GetEntityIfExistsAsync<EventRow>(eventId, EventKeys.Event, cancellationToken: cancellationToken);
        if (!eventRow.HasValue) return;
        var filter = $"{EventKeys.RegistrationsOf(eventId)} and {StoredEnum.NotEqual(nameof(RegistrationRow.Status), RegistrationStatus.Cancelled)} and {StoredEnum.NotEqual(nameof(RegistrationRow.Status), RegistrationStatus.PendingConfirmation)}";
        var mails = new List<MailRequest>();
        await foreach (var registration in events.QueryAsync<RegistrationRow>(filter, cancellationToken: cancellationToken))
        {
            mails.Add(await MailForAsync(kind, registration, eventRow.Value!, null, cancellationToken));
            if (mails.Count == SeatAllocator.MaxOperations)
            {
                await outbox.QueueAsync(mails, cancellationToken);
                mails.Clear();
            }
        }

        await outbox.QueueAsync(mails, cancellationToken);
        logger.LogInformation("{Kind} of {EventId}: registrants told", kind, eventId);
    }

    /// <summary>The mail of one change; a mail that shows the QR code first makes its secret findable at the desk.</summary>
    public async Task<MailRequest> MailForAsync(RegistrationChangeKind kind, RegistrationRow registration, EventRow eventRow, int? waitlistPosition, CancellationToken cancellationToken)
    {
        var request = RegistrationMail.For(kind, registration, eventRow, mail.PublicBaseUrl, waitlistPosition);
        if (registration.StatusValue == RegistrationStatus.Waitlisted) request = request with { QrPayload = null }; // a waitlisted place does not admit
        if (request.QrPayload is { } secret) await CheckInSecrets.IndexAsync(storage, secret, eventRow.PartitionKey, registration.Code, cancellationToken);
        return request;
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
            .Select(c => registrations.TryGetValue(EventKeys.Registration(c.Code!), out var row) && StoredEnum.Is(row.PendingNotice, c.Kind) ? row : null)
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
