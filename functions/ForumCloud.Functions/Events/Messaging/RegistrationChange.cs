using Microsoft.Extensions.Logging;

namespace ForumCloud.Functions.Events;

public enum RegistrationChangeKind
{
    Confirmed,
    Waitlisted,
    Promoted,
    Cancelled,
    CheckedIn,

    /// <summary>Capacity grew: seats may be free for the waitlist.</summary>
    SeatsAdded,

    /// <summary>Staff changed the event's time or venue: every registrant is told (no code: the handler reads them all).</summary>
    EventChanged,

    /// <summary>Staff cancelled the event: every registrant is told.</summary>
    EventCancelled,

    /// <summary>The day-before reminder (queued by the reminder timer, not through the queue).</summary>
    Reminder,

    /// <summary>An anonymous hold's time is up (sent with a visibility delay): release it unless confirmed (see <see cref="RegistrationHolds"/>).</summary>
    HoldExpired,
}

/// <summary>One change: what happened to which registration (no personal data: the handler reads the registration).</summary>
public sealed record ChangedRegistration(RegistrationChangeKind Kind, string? Code = null, int? WaitlistPosition = null);

/// <summary>
/// The small queue message for the changes one transaction committed in one event: a single cancellation,
/// or the up to <see cref="SeatAllocator.MaxBatch"/> registrations of one seat transaction (well under 4 KiB).
/// One message per transaction rather than per registration keeps a burst from drowning storage in queue
/// traffic; every change is still announced, and the handler treats each one on its own.
/// </summary>
public sealed record RegistrationChange(string EventId, IReadOnlyList<ChangedRegistration> Changes)
{
    public static RegistrationChange Of(string eventId, RegistrationChangeKind kind, string? code = null) => new(eventId, [new ChangedRegistration(kind, code)]);
}

/// <summary>Publishes changes to the registration-changes queue.</summary>
public sealed class RegistrationChanges(StorageAccount storage, ILogger<RegistrationChanges> logger)
{
    public Task PublishAsync(RegistrationChange change, CancellationToken cancellationToken) =>
        QueueMessages.SendAsync(storage.Queue(QueueNames.RegistrationChanges), change, cancellationToken);

    /// <summary>A change handled only after <paramref name="delay"/> (a hold's expiry); a lost send is covered by the sweep.</summary>
    public async Task PublishAfterCommitAsync(RegistrationChange change, TimeSpan delay)
    {
        try
        {
            await QueueMessages.SendAsync(storage.Queue(QueueNames.RegistrationChanges), change, delay, CancellationToken.None);
        }
        catch (Exception ex) when (StorageFaults.IsOutage(ex) || ex is Azure.RequestFailedException)
        {
            logger.LogError(ex, "Could not enqueue a delayed change of event {EventId}", change.EventId);
        }
    }

    /// <summary>
    /// After a committed change the client's answer must not turn into an error (a retry would be refused as a
    /// duplicate), so a failed send is logged, not thrown; the change itself is already stored.
    /// </summary>
    public async Task PublishAfterCommitAsync(RegistrationChange change)
    {
        try
        {
            await PublishAsync(change, CancellationToken.None);
        }
        catch (Exception ex) when (StorageFaults.IsOutage(ex) || ex is Azure.RequestFailedException)
        {
            logger.LogError(ex, "Could not enqueue {Count} change(s) of event {EventId}", change.Changes.Count, change.EventId);
        }
    }
}
