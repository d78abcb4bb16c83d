using Azure;

namespace ForumCloud.Functions.Platform;

/// <summary>
/// The one way a row (or an entity-group transaction) is changed under its ETag: the attempt reads, decides and writes
/// conditionally; when someone else wrote first (412) it runs again on fresh data, a bounded number of times with a
/// growing random pause so that competing instances fall out of step. Correctness comes from storage (the condition),
/// never from a lock in one process: Azure runs many instances.
/// </summary>
public static class OptimisticConcurrency
{
    public const int DefaultAttempts = 5;

    /// <summary>Runs <paramref name="attempt"/> until it returns; after <paramref name="attempts"/> stale writes, fails naming <paramref name="what"/>.</summary>
    public static async Task<T> RetryAsync<T>(string what, Func<Task<T>> attempt, CancellationToken cancellationToken, int attempts = DefaultAttempts)
    {
        for (var tried = 1; ; tried++)
        {
            try
            {
                return await attempt();
            }
            catch (RequestFailedException ex) when (ex.Status == 412)
            {
                // TableTransactionFailedException is a RequestFailedException too: a stale transaction rolls back whole.
                if (tried >= attempts) throw new InvalidOperationException($"{what} kept changing ({attempts} conditional writes were stale).", ex);
                await Task.Delay(Pause(tried), cancellationToken);
            }
        }
    }

    public static Task RetryAsync(string what, Func<Task> attempt, CancellationToken cancellationToken, int attempts = DefaultAttempts) =>
        RetryAsync(what, async () => { await attempt(); return true; }, cancellationToken, attempts);

    /// <summary>1 ms up to about 50 ms, growing with the tries: random, so two writers do not collide again in lockstep.</summary>
    public static TimeSpan Pause(int tried) => TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10 + Math.Min(tried, 20) * 2));
}
