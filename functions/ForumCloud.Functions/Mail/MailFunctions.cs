using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace ForumCloud.Functions.Mail;

/// <summary>Mail edge: deliver queued mail, give up on poisoned messages, sweep overdue mail, and the staff view of the outbox.</summary>
public sealed class MailFunctions(MailDelivery delivery, MailSweep sweep, MailOutbox outbox)
{
    public const string PoisonQueue = QueueNames.MailOutbox + "-poison";
    public const string SweepSchedule = "30 */5 * * * *";

    [Function("DeliverMail")]
    public Task Deliver([QueueTrigger(QueueNames.MailOutbox)] string message, CancellationToken cancellationToken) =>
        delivery.DeliverAsync(QueueMessages.Parse<MailDue>(message), cancellationToken);

    [Function("DeliverMailPoison")]
    public Task Poison([QueueTrigger(PoisonQueue)] string message, CancellationToken cancellationToken) =>
        delivery.GiveUpAsync(QueueMessages.Parse<MailDue>(message), cancellationToken);

    [Function("MailSweeper")]
    public async Task Sweep([TimerTrigger(SweepSchedule)] TimerInfo timer, CancellationToken cancellationToken) => await sweep.RunAsync(cancellationToken);

    [Function("StaffListNotices")]
    [StaffOnly]
    public async Task<IActionResult> List(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "staff/notices")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var status = errors.OptionalEnum<MailStatus>("status", request.Query["status"]);
        var page = PageRequest.Read(request.Query, errors);
        errors.ThrowIfAny();
        return new OkObjectResult(await outbox.ListAsync(status ?? MailStatus.Failed, page.Continuation, page.PageSize, cancellationToken));
    }
}
