using Microsoft.Azure.Functions.Worker;

namespace ForumCloud.Functions.Partners;

/// <summary>
/// Daily at 01:00 UTC (09:00 in Beijing, the start of the office day). Idempotent, so a manual run
/// (`POST /admin/functions/CooperationExpiryScan` on the local runner, or the admin API in Azure) is safe.
/// </summary>
public sealed class CooperationExpiryFunction(CooperationExpiry expiry)
{
    public const string Schedule = "0 0 1 * * *";

    [Function("CooperationExpiryScan")]
    public Task Run([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken) => expiry.RunAsync(cancellationToken);
}
