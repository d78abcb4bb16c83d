using Microsoft.Azure.Functions.Worker;

namespace ForumCloud.Functions.Filings;

public sealed class FilingSweeperFunction(FilingSweep sweep)
{
    /// <summary>Every two minutes: filings stored but never processed go back on the queue.</summary>
    [Function("FilingSweeper")]
    public Task Run([TimerTrigger("0 */2 * * * *")] TimerInfo timer, CancellationToken cancellationToken) => sweep.SweepAsync(cancellationToken);
}
