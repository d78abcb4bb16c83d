using ForumCloud.Functions.Platform;
using Microsoft.Azure.Functions.Worker;

namespace ForumCloud.Functions.Events;

/// <summary>The registration-changes queue: notices to the outbox and the sender; promotion from the waitlist.</summary>
public sealed class RegistrationChangeFunctions(RegistrationNotices notices)
{
    [Function("RegistrationChanges")]
    public Task Handle([QueueTrigger(QueueNames.RegistrationChanges)] string message, CancellationToken cancellationToken) =>
        notices.HandleAsync(QueueMessages.Parse<RegistrationChange>(message), cancellationToken);
}
