using Microsoft.Azure.Functions.Worker;

namespace ForumCloud.Functions.Events;

/// <summary>
/// registration-changes-poison: a change whose handler failed every try (host.json's maxDequeueCount). Its
/// notices are marked failed for staff and no longer pending, which ends the poison → sweep → queue loop.
/// </summary>
public sealed class RegistrationChangePoisonFunction(NoticeFailures failures)
{
    public const string PoisonQueue = QueueNames.RegistrationChanges + "-poison";

    [Function("RegistrationChangesPoison")]
    public Task Poison([QueueTrigger(PoisonQueue)] string message, CancellationToken cancellationToken) =>
        failures.RecordPoisonedAsync(QueueMessages.Parse<RegistrationChange>(message), cancellationToken);
}
