using Microsoft.Azure.Functions.Worker;
using NCrontab;

namespace ForumCloud.DevHost;

/// <summary>
/// Runs a timer-triggered function on its schedule: an NCRONTAB expression with seconds (the parser
/// the Functions host uses) or a TimeSpan, in UTC as the host does without WEBSITE_TIME_ZONE.
/// Unlike Azure, each runner process fires its own timers (no singleton lease); the functions are
/// idempotent, so two runners firing together is harmless.
/// </summary>
public sealed class TimerTriggerScheduler(FunctionDescriptor function, string schedule, FunctionInvoker invoker, TimeProvider clock, ILogger logger) : BackgroundService
{
    public static Func<DateTime, DateTime> ParseSchedule(string schedule)
    {
        if (TimeSpan.TryParse(schedule, System.Globalization.CultureInfo.InvariantCulture, out var interval) && interval > TimeSpan.Zero)
        {
            return last => last + interval;
        }

        var cron = CrontabSchedule.Parse(schedule, new CrontabSchedule.ParseOptions { IncludingSeconds = schedule.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 });
        return cron.GetNextOccurrence;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var next = ParseSchedule(schedule);
        DateTime? last = null;
        if (function.Timer.RunOnStartup) await FireAsync(last, stoppingToken);

        while (!stoppingToken.IsCancellationRequested)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var due = next(now);
            try
            {
                await Task.Delay(due - now, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await FireAsync(last, stoppingToken);
            last = due;
        }
    }

    private async Task FireAsync(DateTime? last, CancellationToken stoppingToken)
    {
        var info = new TimerInfo { ScheduleStatus = new ScheduleStatus { Last = last ?? default, Next = ParseSchedule(schedule)(clock.GetUtcNow().UtcDateTime), LastUpdated = clock.GetUtcNow().UtcDateTime } };
        try
        {
            await invoker.InvokeAsync(function, new TriggerInput(Timer: info), stoppingToken);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            logger.LogError(ex, "Timer function {Function} failed", function.Name);
        }
    }
}
