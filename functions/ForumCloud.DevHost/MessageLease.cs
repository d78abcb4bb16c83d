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
    private readonly Renewal _renewal;

    public MessageLease(QueueClient queue, string messageId, string popReceipt)
    {
        _queue = queue;
        _messageId = messageId;
        PopReceipt = popReceipt;
        // A renewal that fails (storage down) is tried again; the message becomes visible again when the lease ends.
        _renewal = new Renewal(Visibility / 2, RenewAsync, _ => true);
    }

    /// <summary>The receipt of the latest renewal; deleting or releasing the message needs it.</summary>
    public string PopReceipt { get; private set; }

    private async Task RenewAsync(CancellationToken token) =>
        PopReceipt = (await _queue.UpdateMessageAsync(_messageId, PopReceipt, visibilityTimeout: Visibility, cancellationToken: token)).Value.PopReceipt;

    /// <summary>Stops renewing; returns when no renewal is in flight, so <see cref="PopReceipt"/> is final.</summary>
    public ValueTask DisposeAsync() => _renewal.DisposeAsync();
}
