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
/// Redelivery is harmless: the outbox row is keyed by (code, kind), and a sent notice is not sent again.
/// </summary>
public sealed class RegistrationNotices(StorageAccount storage, WaitlistPromotion promotion, INotificationSender sender, TimeProvider time, ILogger<RegistrationNotices> logger)
{
    public async Task HandleAsync(RegistrationChange change, CancellationToken cancellationToken)
    {
        if (!RouteIds.EventSlug.IsValid(change.EventId)) throw new InvalidOperationException("A registration change names no valid event.");
        if (change.Code is not null) await NotifyAsync(change, cancellationToken);
        if (change.Kind is RegistrationChangeKind.Cancelled or RegistrationChangeKind.SeatsAdded)
        {
            var promoted = await promotion.FillFreeSeatsAsync(change.EventId, cancellationToken);
            if (promoted.Count > 0) logger.LogInformation("Promoted {Count} from the waitlist of {EventId}", promoted.Count, change.EventId);
        }
    }

    private async Task NotifyAsync(RegistrationChange change, CancellationToken cancellationToken)
    {
        var outbox = storage.Table(TableNames.Notifications);
        var partition = NoticeRow.PartitionFor(change.EventId);
        var rowKey = NoticeRow.RowFor(change.Code!, change.Kind);
        var existing = await outbox.GetEntityIfExistsAsync<NoticeRow>(partition, rowKey, cancellationToken: cancellationToken);
        var notice = existing.HasValue ? existing.Value! : null;
        if (notice is null)
        {
            var events = storage.Table(TableNames.ForumEvents);
            var registration = await events.GetEntityIfExistsAsync<RegistrationRow>(change.EventId, EventKeys.Registration(change.Code!), cancellationToken: cancellationToken);
            if (!registration.HasValue)
            {
                logger.LogWarning("No registration {Code} in {EventId} for a {Kind} notice", change.Code, change.EventId, change.Kind);
                return;
            }

            var eventRow = await events.GetEntityIfExistsAsync<EventRow>(change.EventId, EventKeys.Event, cancellationToken: cancellationToken);
            var (subject, text) = NoticeText.For(change, registration.Value!, eventRow.HasValue ? eventRow.Value : null);
            notice = new NoticeRow
            {
                PartitionKey = partition,
                RowKey = rowKey,
                EventId = change.EventId,
                Code = change.Code!,
                Kind = change.Kind.ToString(),
                Recipient = registration.Value!.Email,
                Subject = subject,
                Text = text,
                CreatedAt = time.GetUtcNow(),
            };
            try
            {
                var added = await outbox.AddEntityAsync(notice, cancellationToken);
                notice.ETag = added.Headers.ETag ?? ETag.All;
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                notice = (await outbox.GetEntityAsync<NoticeRow>(partition, rowKey, cancellationToken: cancellationToken)).Value;
            }
        }

        if (notice.SentAt is not null) return;
        await sender.SendAsync(notice.ToNotice(), cancellationToken);
        notice.SentAt = time.GetUtcNow();
        await outbox.UpdateEntityAsync(notice, ETag.All, TableUpdateMode.Merge, cancellationToken);
    }
}

/// <summary>The words of each notice.</summary>
public static class NoticeText
{
    public static (string Subject, string Text) For(RegistrationChange change, RegistrationRow registration, EventRow? eventRow)
    {
        var title = eventRow?.Title ?? change.EventId;
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
