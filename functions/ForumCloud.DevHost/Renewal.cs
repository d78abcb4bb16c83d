namespace ForumCloud.DevHost;

/// <summary>
/// Something leased (a queue message's invisibility, a timer's blob lease) renewed in the background, as the Functions
/// host renews its own, until disposed or until <c>failed</c> says a failed renewal ends it.
/// </summary>
internal sealed class Renewal : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    /// <param name="every">How long after the last try the next one runs.</param>
    /// <param name="renew">One renewal.</param>
    /// <param name="failed">Told of a renewal that threw; false ends the renewals (the lease is lost).</param>
    public Renewal(TimeSpan every, Func<CancellationToken, Task> renew, Func<Exception, bool> failed) => _loop = RunAsync(every, renew, failed, _stop.Token);

    private static async Task RunAsync(TimeSpan every, Func<CancellationToken, Task> renew, Func<Exception, bool> failed, CancellationToken token)
    {
        while (!token.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(every, token);
                await renew(token);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                if (!failed(ex)) return;
            }
        }
    }

    /// <summary>Stops renewing; returns when no renewal is in flight, so what the last one wrote is final.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
