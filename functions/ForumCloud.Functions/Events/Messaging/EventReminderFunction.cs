using Microsoft.Azure.Functions.Worker;

namespace ForumCloud.Functions.Events;

/// <summary>
/// Hourly from 09:00 to 20:00 Beijing time (01:00–12:00 UTC): the day-before reminders. The first run of the day
/// sends them; the later runs find them queued already and only catch what an outage left out.
/// </summary>
public sealed class EventReminderFunction(EventReminders reminders)
{
    public const string Schedule = "0 0 1-12 * * *";

    [Function("EventReminders")]
    public async Task Run([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken) => await reminders.RunAsync(cancellationToken);
}
