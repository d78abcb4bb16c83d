using System.Text.Json;

namespace ForumCloud.Functions.Filings;

/// <summary>
/// Sends stored filings to the filings queue. Filings stored at the same moment in this instance go in one message
/// (group send, as seats are committed in one transaction): one queue round trip to send, receive and delete many
/// filings instead of one each. A filing alone is sent at once; while a send is in flight the next ones gather.
/// Every caller waits for the send of its own filing and gets its error.
/// </summary>
public sealed class FilingQueue(StorageAccount storage)
{
    /// <summary>Characters of JSON per message: base64 makes 4 of every 3, and a message holds at most 64 KiB.</summary>
    public const int MaxMessageChars = 40_000;

    public const int MaxPerMessage = 32;

    private readonly object _gate = new();
    private readonly List<(SubmittedFiling Filing, int Size, TaskCompletionSource Sent)> _waiting = [];
    private bool _sending;

    public async Task EnqueueAsync(SubmittedFiling filing, CancellationToken cancellationToken)
    {
        var sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var size = JsonSerializer.Serialize(filing, ApiJson.Options).Length;
        bool start;
        lock (_gate)
        {
            _waiting.Add((filing, size, sent));
            start = !_sending;
            _sending = true;
        }

        if (start) _ = Task.Run(SendAllAsync, CancellationToken.None);
        await sent.Task.WaitAsync(cancellationToken);
    }

    private async Task SendAllAsync()
    {
        while (true)
        {
            List<(SubmittedFiling Filing, int Size, TaskCompletionSource Sent)> batch = [];
            lock (_gate)
            {
                var chars = 0;
                while (_waiting.Count > 0 && batch.Count < MaxPerMessage && (batch.Count == 0 || chars + _waiting[0].Size <= MaxMessageChars))
                {
                    chars += _waiting[0].Size;
                    batch.Add(_waiting[0]);
                    _waiting.RemoveAt(0);
                }

                if (batch.Count == 0)
                {
                    _sending = false;
                    return;
                }
            }

            try
            {
                await QueueMessages.SendAsync(storage.Queue(QueueNames.Filings), new FilingWork(Submitted: batch.Select(b => b.Filing).ToList()), CancellationToken.None);
                batch.ForEach(b => b.Sent.TrySetResult());
            }
            catch (Exception ex)
            {
                batch.ForEach(b => b.Sent.TrySetException(ex));
            }
        }
    }
}
