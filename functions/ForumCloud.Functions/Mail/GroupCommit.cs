using System.Threading.Channels;

namespace ForumCloud.Functions.Mail;

/// <summary>
/// Group commit within one process: each caller hands one item and awaits it; one loop takes whatever is waiting
/// (up to <paramref name="max"/>) and commits it in one go, so a burst of callers shares round trips instead of
/// queuing behind each other's. A caller's task ends when its group is committed, and fails with the group's
/// exception if the commit throws. Correctness still comes from storage: this only decides who shares a write.
/// </summary>
public sealed class GroupCommit<T>(int max, Func<IReadOnlyList<T>, Task> commit)
{
    private readonly Channel<(T Item, TaskCompletionSource Done)> _waiting = Channel.CreateUnbounded<(T, TaskCompletionSource)>(new UnboundedChannelOptions { SingleReader = true });
    private int _running;

    public Task AddAsync(T item, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting.Writer.TryWrite((item, done)); // unbounded and never completed: always accepted
        if (Interlocked.CompareExchange(ref _running, 1, 0) == 0) _ = Task.Run(RunAsync, CancellationToken.None);
        return done.Task.WaitAsync(cancellationToken);
    }

    private async Task RunAsync()
    {
        while (true)
        {
            var group = new List<(T Item, TaskCompletionSource Done)>();
            while (group.Count < max && _waiting.Reader.TryRead(out var waiting)) group.Add(waiting);
            if (group.Count == 0)
            {
                Volatile.Write(ref _running, 0);
                // An item written after the last read but before the flag dropped has started no loop: look again.
                if (!_waiting.Reader.TryPeek(out _) || Interlocked.CompareExchange(ref _running, 1, 0) != 0) return;
                continue;
            }

            try
            {
                await commit([.. group.Select(g => g.Item)]);
                foreach (var (_, done) in group) done.TrySetResult();
            }
            catch (Exception ex)
            {
                foreach (var (_, done) in group) done.TrySetException(ex);
            }
        }
    }
}
