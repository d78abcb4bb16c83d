using Microsoft.Azure.Functions.Worker;

namespace ForumCloud.Functions.Events;

/// <summary>
/// The registration-changes queue: expired holds released, notices to the outbox and the sender; promotion from the
/// waitlist; the catalogue's seat counts. The release comes first, so the promotion that follows sees the seat it freed.
/// </summary>
public sealed class RegistrationChangeFunctions(RegistrationNotices notices, RegistrationHolds holds, EventCatalog catalog)
{
    [Function("RegistrationChanges")]
    public async Task Handle([QueueTrigger(QueueNames.RegistrationChanges)] string message, CancellationToken cancellationToken)
    {
        var change = QueueMessages.Parse<RegistrationChange>(message);
        foreach (var code in change.Changes.Where(c => c.Kind == RegistrationChangeKind.HoldExpired && c.Code is not null && RegistrationCodes.IsWellFormed(c.Code)).Select(c => c.Code!).Distinct())
        {
            if (!RouteIds.EventSlug.IsValid(change.EventId)) break; // the notices reject the message below
            await holds.ReleaseAsync(change.EventId, code, cancellationToken);
        }

        await notices.HandleAsync(change, cancellationToken);

        // After the notices (a promotion there moves the ledger too): every committed seat change comes through
        // this queue, so this is what keeps the public lists' counts within seconds of the ledger.
        await catalog.RefreshAsync(change.EventId, cancellationToken);
    }
}
