using Microsoft.Azure.Functions.Worker;
using NCrontab;

namespace ForumCloud.DevHost;

/// <summary>
/// Runs a timer-triggered function on its schedule as the Functions host does on Flex Consumption: an
/// NCRONTAB expression (five fields, or six with seconds; the parser the host uses), in UTC as the host
/// does without WEBSITE_TIME_ZONE, and on one instance at a time (<see cref="TimerLock"/>). TimeSpan
/// schedules ("00:05:00") are refused at start-up, as Flex Consumption refuses them.
/// </summary>
public sealed class TimerTriggerScheduler(FunctionDescriptor function, string schedule, TimerLock timerLock, FunctionInvoker invoker, TimeProvider clock, ILogger logger) : BackgroundService
{
    public static Func<DateTime, DateTime> ParseSchedule(string schedule)
    {
        if (TimeSpan.TryParse(schedule, System.Globalization.CultureInfo.InvariantCulture, out _))
        {
            throw new InvalidOperationException($"The timer schedule '{schedule}' is a TimeSpan; Flex Consumption accepts NCRONTAB expressions only (e.g. '0 */5 * * * *').");
        }

        var cron = CrontabSchedule.Parse(schedule, new CrontabSchedule.ParseOptions { IncludingSeconds = schedule.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 });
        return cron.GetNextOccurrence;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var next = ParseSchedule(schedule);
        DateTime? last = null;
        var firstHold = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            TimerLock.Held held;
            try
            {
                held = await timerLock.AcquireAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await using (held)
            {
                if (firstHold && function.Timer.RunOnStartup) await FireAsync(last, stoppingToken);
                firstHold = false;
                last = await RunScheduleAsync(next, last, held.Token, stoppingToken);
            }
        }
    }

    /// <summary>Fires on schedule while the lock is held; returns the last due time when it is lost.</summary>
    private async Task<DateTime?> RunScheduleAsync(Func<DateTime, DateTime> next, DateTime? last, CancellationToken holding, CancellationToken stoppingToken)
    {
        while (!holding.IsCancellationRequested)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var due = next(now);
            try
            {
                await Task.Delay(due - now, clock, holding);
            }
            catch (OperationCanceledException)
            {
                return last;
            }

            await FireAsync(last, stoppingToken); // a run in progress finishes even if the lock is lost meanwhile
            last = due;
        }

        return last;
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
