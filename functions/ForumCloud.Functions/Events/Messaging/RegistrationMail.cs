using System.Globalization;
using ForumCloud.Functions.Mail;

namespace ForumCloud.Functions.Events;

/// <summary>
/// The mail of each registration notice: which template, which values, the QR code and the calendar entry. Outbox
/// keys: PartitionKey "event-{eventId}", RowKey "{code}-{kind}" (an event change adds its time: each change is a mail).
/// </summary>
public static class RegistrationMail
{
    /// <summary>ICS SEQUENCE: seconds since this epoch of the change it announces, so a later change always counts higher.</summary>
    private static readonly DateTimeOffset SequenceEpoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static string PartitionFor(string eventId) => "event-" + eventId;

    public static string RowFor(string code, RegistrationChangeKind kind) => code + "-" + kind.ToString().ToLowerInvariant();

    public static OutboxKey Key(string eventId, string code, RegistrationChangeKind kind) => new(PartitionFor(eventId), RowFor(code, kind));

    public static MailRequest For(RegistrationChangeKind kind, RegistrationRow registration, EventRow eventRow, Uri publicBaseUrl, int? waitlistPosition = null)
    {
        var key = kind switch
        {
            RegistrationChangeKind.EventChanged => new OutboxKey(PartitionFor(eventRow.PartitionKey), $"{RowFor(registration.Code, kind)}-{eventRow.UpdatedAt.UtcTicks}"),
            _ => Key(eventRow.PartitionKey, registration.Code, kind),
        };
        var (template, qr, calendar) = kind switch
        {
            RegistrationChangeKind.Confirmed => ("registration-confirmed", true, Calendar.Request),
            RegistrationChangeKind.Waitlisted => ("registration-waitlisted", false, Calendar.None),
            RegistrationChangeKind.Promoted => ("registration-promoted", true, Calendar.Request),
            RegistrationChangeKind.Cancelled => ("registration-cancelled", false, Calendar.Cancel),
            RegistrationChangeKind.CheckedIn => ("registration-checked-in", false, Calendar.None),
            RegistrationChangeKind.EventChanged => ("event-changed", true, Calendar.Request),
            RegistrationChangeKind.EventCancelled => ("event-cancelled", false, Calendar.Cancel),
            RegistrationChangeKind.Reminder => ("event-reminder", true, Calendar.None),
            _ => throw new InvalidOperationException($"No mail for {kind}."),
        };
        var model = new Dictionary<string, string>
        {
            ["name"] = registration.Name,
            ["eventTitle"] = eventRow.Title,
            ["when_en"] = ForumDates.English(eventRow.StartsAt, eventRow.EndsAt),
            ["when_zh"] = ForumDates.Chinese(eventRow.StartsAt, eventRow.EndsAt),
            ["venue"] = eventRow.Venue,
            ["code"] = registration.Code,
            ["position"] = waitlistPosition?.ToString(CultureInfo.InvariantCulture) ?? "",
            ["checkedIn_en"] = registration.CheckedInAt is { } at ? ForumDates.EnglishTime(at) : "",
            ["checkedIn_zh"] = registration.CheckedInAt is { } at2 ? ForumDates.ChineseTime(at2) : "",
        };
        var language = registration.Language is { } l && ApiEnum.TryParse<MailLanguage>(l, out var parsed) ? parsed : (MailLanguage?)null;
        var changedAt = kind is RegistrationChangeKind.Cancelled ? registration.CancelledAt ?? eventRow.UpdatedAt : eventRow.UpdatedAt;
        return new MailRequest(key, registration.Email, registration.Name, template, language, model)
        {
            QrPayload = qr ? registration.CheckInSecret : null,
            Calendar = calendar == Calendar.None ? null : new CalendarEntry(
                Uid: $"{registration.Code}.{eventRow.PartitionKey}@forumcloud",
                Sequence: (int)Math.Max(0, (changedAt - SequenceEpoch).TotalSeconds),
                Cancelled: calendar == Calendar.Cancel,
                Start: eventRow.StartsAt,
                End: eventRow.EndsAt,
                Summary: eventRow.Title,
                Location: eventRow.Venue,
                Description: $"Registration code {registration.Code} · 报名编号 {registration.Code}"),
            ActionUrl = kind is RegistrationChangeKind.Cancelled or RegistrationChangeKind.EventCancelled or RegistrationChangeKind.CheckedIn
                ? null
                : new Uri(publicBaseUrl, $"api/registrations/{registration.Code}").ToString(),
        };
    }

    private enum Calendar
    {
        None,
        Request,
        Cancel,
    }
}

/// <summary>Event times as the mails write them: the date written out, in Beijing time, in each language.</summary>
public static class ForumDates
{
    private static readonly string[] ChineseWeekdays = ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"];

    public static string English(DateTimeOffset start, DateTimeOffset end)
    {
        var (s, e) = (BeijingTime.Local(start), BeijingTime.Local(end));
        var first = s.ToString("dddd, d MMMM yyyy, HH:mm", CultureInfo.InvariantCulture);
        var last = s.Date == e.Date ? e.ToString("HH:mm", CultureInfo.InvariantCulture) : e.ToString("dddd, d MMMM yyyy, HH:mm", CultureInfo.InvariantCulture);
        return $"{first} – {last} (Beijing time, UTC+8)";
    }

    public static string Chinese(DateTimeOffset start, DateTimeOffset end)
    {
        var (s, e) = (BeijingTime.Local(start), BeijingTime.Local(end));
        var last = s.Date == e.Date ? e.ToString("HH:mm", CultureInfo.InvariantCulture) : ChineseTime(end);
        return $"{ChineseTime(start)} 至 {last}（北京时间）";
    }

    public static string EnglishTime(DateTimeOffset instant) =>
        BeijingTime.Local(instant).ToString("d MMMM yyyy, HH:mm", CultureInfo.InvariantCulture) + " (Beijing time)";

    public static string ChineseTime(DateTimeOffset instant)
    {
        var t = BeijingTime.Local(instant);
        return $"{t.Year}年{t.Month}月{t.Day}日（{ChineseWeekdays[(int)t.DayOfWeek]}）{t:HH:mm}";
    }
}
