using Microsoft.Azure.Functions.Worker;

namespace ForumCloud.Functions.Events;

/// <summary>
/// Every five minutes: publishes again the registration changes whose queue message was lost (see
/// <see cref="RegistrationSweep"/>). Idempotent, so a manual run (`POST /admin/functions/RegistrationSweeper`
/// on the local runner, or the admin API in Azure) is safe.
/// </summary>
public sealed class RegistrationSweeperFunction(RegistrationSweep sweep, RegistrationHolds holds)
{
    public const string Schedule = "0 */5 * * * *";

    [Function("RegistrationSweeper")]
    public async Task Run([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken)
    {
        await sweep.RunAsync(cancellationToken);
        await holds.SweepExpiredAsync(cancellationToken); // holds whose expiry message was lost
    }
}
