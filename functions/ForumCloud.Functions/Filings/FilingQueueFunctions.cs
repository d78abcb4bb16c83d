using ForumCloud.Functions.Platform;
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
        try
        {
            await processor.ProcessAsync(work.FilingId, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Kept on the record so the poison handler can say why; the host retries, then poisons.
            await processor.RecordErrorAsync(work.FilingId, ex, cancellationToken);
            throw;
        }
    }

    [Function("ProcessFilingPoison")]
    public async Task Poison([QueueTrigger(PoisonQueue)] string message, CancellationToken cancellationToken)
    {
        var work = QueueMessages.Parse<FilingWork>(message);
        await processor.MarkFailedAsync(work.FilingId, cancellationToken);
    }
}
