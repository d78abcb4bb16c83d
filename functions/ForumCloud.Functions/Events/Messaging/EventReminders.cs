using Azure.Data.Tables;
using ForumCloud.Functions.Mail;
using Microsoft.Extensions.Logging;

namespace ForumCloud.Functions.Events;

/// <summary>What one reminder run found (counts only).</summary>
public sealed record ReminderRun(string Tomorrow, int Events, int Reminders);

/// <summary>
/// The day-before reminder: every confirmed registration of a published event that starts tomorrow (Beijing date)
/// gets one mail. Its outbox key is (code, "reminder"), so however often the timer runs, each registration is
/// reminded once, ever.
/// </summary>
public sealed class EventReminders(StorageAccount storage, EventCatalog catalog, RegistrationNotices notices, MailOutbox outbox, TimeProvider time, ILogger<EventReminders> logger)
{
    public async Task<ReminderRun> RunAsync(CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(BeijingTime.Local(time.GetUtcNow()).DateTime);
        var tomorrow = today.AddDays(1);
        var from = BeijingMidnight(tomorrow);
        var events = (await catalog.ListPublishedAsync(null, from, BeijingMidnight(tomorrow.AddDays(1)) - TimeSpan.FromTicks(1), cancellationToken))
            .Where(e => DateOnly.FromDateTime(e.StartsAt.DateTime) == tomorrow)
            .ToList();
        var table = storage.Table(TableNames.ForumEvents);
        var reminders = 0;
        foreach (var view in events)
        {
            if (await catalog.ReadEventAsync(view.EventId, cancellationToken) is not { } eventRow) continue;
            var filter = $"{EventKeys.RegistrationsOf(view.EventId)} and {StoredEnum.Equal(nameof(RegistrationRow.Status), RegistrationStatus.Confirmed)}";
            var mails = new List<MailRequest>();
            await foreach (var registration in table.QueryAsync<RegistrationRow>(filter, cancellationToken: cancellationToken))
            {
                if (registration.CheckedInAt is not null) continue;
                mails.Add(await notices.MailForAsync(RegistrationChangeKind.Reminder, registration, eventRow, null, cancellationToken));
            }

            foreach (var chunk in mails.Chunk(SeatAllocator.MaxOperations)) await outbox.QueueAsync(chunk, cancellationToken);
            reminders += mails.Count;
        }

        logger.LogInformation("Event reminders for {Tomorrow}: {Events} event(s), {Reminders} registration(s) (each mailed once)", tomorrow, events.Count, reminders);
        return new ReminderRun(tomorrow.ToString("yyyy-MM-dd"), events.Count, reminders);
    }

    private static DateTimeOffset BeijingMidnight(DateOnly date)
    {
        var local = date.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, BeijingTime.Zone.GetUtcOffset(local));
    }
}
