using ForumCloud.Functions.Platform;
using Microsoft.Azure.Functions.Worker;

namespace ForumCloud.Functions.Events;

/// <summary>The registration-changes queue: notices to the outbox and the sender; promotion from the waitlist; the catalogue's seat counts.</summary>
public sealed class RegistrationChangeFunctions(RegistrationNotices notices, EventCatalog catalog)
{
    [Function("RegistrationChanges")]
    public async Task Handle([QueueTrigger(QueueNames.RegistrationChanges)] string message, CancellationToken cancellationToken)
    {
        var change = QueueMessages.Parse<RegistrationChange>(message);
        await notices.HandleAsync(change, cancellationToken);

        // After the notices (a promotion there moves the ledger too): every committed seat change comes through
        // this queue, so this is what keeps the public lists' counts within seconds of the ledger.
        await catalog.RefreshAsync(change.EventId, cancellationToken);
    }
}
