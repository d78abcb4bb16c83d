using Microsoft.Azure.Functions.Worker;

namespace ForumCloud.Functions.Retention;

/// <summary>Daily at 03:30 Beijing time (19:30 UTC), when nobody registers: the personal-data purge (<see cref="RetentionSweep"/>).</summary>
public sealed class RetentionFunction(RetentionSweep sweep)
{
    public const string Schedule = "0 30 19 * * *";

    [Function("PurgePersonalData")]
    public async Task Run([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken) => await sweep.RunAsync(cancellationToken);
}
