using Azure.Storage.Queues;

namespace ForumCloud.DevHost;

/// <summary>
/// Keeps a message invisible while its function runs, as the Functions host's queue listener does: 10
/// minutes, renewed at half-time. So after a crash (or a release that could not be written during a
/// storage outage) the message comes back after up to 10 minutes, as in Azure; what must not wait that
/// long is covered by the sweepers, not by a shorter lease here.
/// </summary>
internal sealed class MessageLease : IAsyncDisposable
{
    public static readonly TimeSpan Visibility = TimeSpan.FromMinutes(10);

    private readonly QueueClient _queue;
    private readonly string _messageId;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewal;

    public MessageLease(QueueClient queue, string messageId, string popReceipt)
    {
        _queue = queue;
        _messageId = messageId;
        PopReceipt = popReceipt;
        _renewal = RenewAsync(_stop.Token);
    }

    /// <summary>The receipt of the latest renewal; deleting or releasing the message needs it.</summary>
    public string PopReceipt { get; private set; }

    private async Task RenewAsync(CancellationToken token)
    {
        while (!token.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Visibility / 2, token);
                PopReceipt = (await _queue.UpdateMessageAsync(_messageId, PopReceipt, visibilityTimeout: Visibility, cancellationToken: token)).Value.PopReceipt;
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception)
            {
                // Renewal failed (storage down): the message simply becomes visible again when the lease ends.
            }
        }
    }

    /// <summary>Stops renewing; returns when no renewal is in flight, so <see cref="PopReceipt"/> is final.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _renewal;
        _stop.Dispose();
    }
}
