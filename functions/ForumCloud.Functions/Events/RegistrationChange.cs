using Microsoft.Extensions.Logging;
using ForumCloud.Functions.Platform;

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
}

/// <summary>The small queue message every change sends (no personal data: the handler reads the registration).</summary>
public sealed record RegistrationChange(RegistrationChangeKind Kind, string EventId, string? Code = null, int? WaitlistPosition = null);

/// <summary>Publishes changes to the registration-changes queue.</summary>
public sealed class RegistrationChanges(StorageAccount storage, ILogger<RegistrationChanges> logger)
{
    public Task PublishAsync(RegistrationChange change, CancellationToken cancellationToken) =>
        QueueMessages.SendAsync(storage.Queue(QueueNames.RegistrationChanges), change, cancellationToken);

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
            logger.LogError(ex, "Could not enqueue {Kind} for registration {Code} of event {EventId}", change.Kind, change.Code, change.EventId);
        }
    }
}
