using System.Collections.Concurrent;

namespace ForumCloud.DevHost;

/// <summary>What became of a function run started through `POST /admin/functions/{name}`.</summary>
public sealed record ManualRun(string Id, string Function, DateTimeOffset Started)
{
    public string Status { get; set; } = ManualRunStatus.Running;

    /// <summary>The exception's type when the run failed (no message: it may carry personal data).</summary>
    public string? Error { get; set; }
}

public static class ManualRunStatus
{
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
}

/// <summary>
/// Runs queue and timer functions by hand in the background, as the host's admin API does (it answers
/// 202 at once), and keeps their outcome so a caller can wait on the status URL the runner hands out.
/// </summary>
public sealed class ManualRuns(FunctionInvoker invoker, IHostApplicationLifetime lifetime, ILoggerFactory loggers)
{
    private const int Kept = 1000;
    private readonly ConcurrentDictionary<string, ManualRun> _runs = new();
    private readonly ILogger _logger = loggers.CreateLogger("Admin");

    public ManualRun Start(FunctionDescriptor function, TriggerInput input)
    {
        Forget();
        var run = new ManualRun(Guid.NewGuid().ToString("N"), function.Name, DateTimeOffset.UtcNow);
        _runs[run.Id] = run;
        _ = Task.Run(async () =>
        {
            try
            {
                await invoker.InvokeAsync(function, input, lifetime.ApplicationStopping);
                run.Status = ManualRunStatus.Succeeded;
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "Function {Function} failed when run by hand", function.Name);
                run.Error = ex.GetType().Name;
                run.Status = ManualRunStatus.Failed;
            }
        });
        return run;
    }

    public ManualRun? Find(string id) => _runs.GetValueOrDefault(id);

    private void Forget()
    {
        if (_runs.Count < Kept) return;
        foreach (var old in _runs.Values.Where(r => r.Status != ManualRunStatus.Running).OrderBy(r => r.Started).Take(Kept / 2)) _runs.TryRemove(old.Id, out _);
    }
}
