using Microsoft.Azure.Functions.Worker;

namespace ForumCloud.Functions.Filings;

/// <summary>Queue edge: process a submitted filing; mark it failed when its message reaches the poison queue.</summary>
public sealed class FilingQueueFunctions(FilingProcessor processor)
{
    public const string PoisonQueue = QueueNames.Filings + "-poison";

    [Function("ProcessFiling")]
    public async Task Process([QueueTrigger(QueueNames.Filings)] string message, CancellationToken cancellationToken)
    {
        var work = QueueMessages.Parse<FilingWork>(message);

        // The filings of one message together, so their certificate numbers are committed together. A failure is
        // kept on its record (the poison handler says why) and fails the message: the host retries it, and the
        // filings already decided are left alone then.
        var failures = await Task.WhenAll(work.Items().Select(async item =>
        {
            try
            {
                await processor.ProcessAsync(item.FilingId, item.Copy, cancellationToken);
                return null;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                await processor.RecordErrorAsync(item.FilingId, ex, cancellationToken);
                return ex;
            }
        }));
        var failed = failures.OfType<Exception>().ToList();
        if (failed.Count == 1) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failed[0]);
        if (failed.Count > 1) throw new AggregateException($"{failed.Count} filings of the message failed.", failed);
    }

    [Function("ProcessFilingPoison")]
    public async Task Poison([QueueTrigger(PoisonQueue)] string message, CancellationToken cancellationToken)
    {
        var work = QueueMessages.Parse<FilingWork>(message);
        foreach (var (filingId, _) in work.Items()) await processor.MarkFailedAsync(filingId, cancellationToken);
    }
}
