using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using ForumCloud.Functions.Platform;

namespace ForumCloud.DevHost;

/// <summary>
/// Polls one queue for one function with the Functions host's semantics (host.json `extensions.queues`):
/// batches of batchSize, a new batch when in-flight work falls to newBatchThreshold, back-off up to
/// maxPollingInterval when empty, base64 decoding, and after maxDequeueCount failed tries the message
/// moves to `&lt;queue&gt;-poison`; a failed try makes the message visible again after visibilityTimeout.
/// </summary>
public sealed class QueueTriggerListener(
    FunctionDescriptor function,
    QueueClient queue,
    QueueClient poison,
    QueueSettings settings,
    FunctionInvoker invoker,
    ILogger logger) : BackgroundService
{
    private static readonly TimeSpan MinPollingInterval = TimeSpan.FromMilliseconds(100);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var inFlight = new List<Task>();
        var idle = MinPollingInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            inFlight.RemoveAll(t => t.IsCompleted);
            if (inFlight.Count > settings.NewBatchThreshold)
            {
                await Task.WhenAny(inFlight);
                continue;
            }

            QueueMessage[] batch;
            try
            {
                batch = (await queue.ReceiveMessagesAsync(settings.BatchSize, MessageLease.Visibility, stoppingToken)).Value;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("Queue {Queue} is not answering ({Error}); retrying in {Delay}", queue.Name, ex.GetType().Name, settings.MaxPollingInterval);
                await Delay(settings.MaxPollingInterval, stoppingToken);
                continue;
            }

            if (batch.Length == 0)
            {
                await Delay(idle, stoppingToken);
                idle = TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, settings.MaxPollingInterval.Ticks));
                continue;
            }

            idle = MinPollingInterval;
            inFlight.AddRange(batch.Select(m => ProcessAsync(m, stoppingToken)));
        }

        await Task.WhenAll(inFlight);
    }

    private async Task ProcessAsync(QueueMessage message, CancellationToken stoppingToken)
    {
        string popReceipt;
        Exception? failure = null;
        var lease = new MessageLease(queue, message.MessageId, message.PopReceipt);
        try
        {
            if (message.DequeueCount <= settings.MaxDequeueCount)
            {
                await invoker.InvokeAsync(function, new TriggerInput(QueueMessage: Decode(message.MessageText)), stoppingToken);
            }
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            failure = ex;
        }
        finally
        {
            await lease.DisposeAsync();
            popReceipt = lease.PopReceipt;
        }

        try
        {
            if (message.DequeueCount > settings.MaxDequeueCount)
            {
                await MoveToPoisonAsync(message, popReceipt, stoppingToken);
            }
            else if (failure is null)
            {
                await queue.DeleteMessageAsync(message.MessageId, popReceipt, stoppingToken);
            }
            else
            {
                logger.LogError(failure, "Function {Function} failed on message {MessageId} (try {Try} of {Max})",
                    function.Name, message.MessageId, message.DequeueCount, settings.MaxDequeueCount);
                await ReleaseOrPoisonAsync(message, popReceipt, stoppingToken);
            }
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            // The message becomes visible again when its lease runs out; a handler that already ran is idempotent.
            logger.LogWarning("Could not complete message {MessageId} on {Queue}: {Error}", message.MessageId, queue.Name, ex.GetType().Name);
        }
    }

    private async Task ReleaseOrPoisonAsync(QueueMessage message, string popReceipt, CancellationToken stoppingToken)
    {
        try
        {
            if (message.DequeueCount >= settings.MaxDequeueCount)
            {
                await MoveToPoisonAsync(message, popReceipt, stoppingToken);
            }
            else
            {
                await queue.UpdateMessageAsync(message.MessageId, popReceipt, visibilityTimeout: settings.VisibilityTimeout, cancellationToken: stoppingToken);
            }
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            // The message becomes visible again when its lease runs out; nothing is lost.
            logger.LogWarning("Could not release message {MessageId} on {Queue}: {Error}", message.MessageId, queue.Name, ex.GetType().Name);
        }
    }

    private async Task MoveToPoisonAsync(QueueMessage message, string popReceipt, CancellationToken stoppingToken)
    {
        // The poison copy keeps the original (still encoded) text, as the Functions host does.
        await poison.SendMessageAsync(message.MessageText, stoppingToken);
        await queue.DeleteMessageAsync(message.MessageId, popReceipt, stoppingToken);
        logger.LogWarning("Message {MessageId} moved to {Poison} after {Count} tries", message.MessageId, poison.Name, message.DequeueCount);
    }

    private string Decode(string text) =>
        settings.Base64 ? System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(text)) : text;

    private static async Task Delay(TimeSpan delay, CancellationToken token)
    {
        try
        {
            await Task.Delay(delay, token);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
