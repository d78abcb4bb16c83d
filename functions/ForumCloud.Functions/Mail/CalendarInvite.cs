using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using MimeKit;

namespace ForumCloud.Functions.Mail;

/// <summary>
/// An iTIP invite (RFC 5546): METHOD:REQUEST for a new or changed entry, METHOD:CANCEL to remove it, with the
/// Asia/Shanghai VTIMEZONE and local times in it, so calendars show the forum's own time whatever theirs is.
/// </summary>
public static class CalendarInvite
{
    public const string TimeZoneId = "Asia/Shanghai";

    public static string Ics(CalendarEntry entry, MailboxAddress organizer, DateTimeOffset stamp)
    {
        var calendar = new Calendar { Method = entry.Cancelled ? "CANCEL" : "REQUEST" };
        calendar.AddTimeZone(VTimeZone.FromDateTimeZone(TimeZoneId));
        var calendarEvent = new CalendarEvent
        {
            Uid = entry.Uid,
            Sequence = entry.Sequence,
            Summary = MailText.SingleLine(entry.Summary),
            Location = MailText.SingleLine(entry.Location),
            Description = entry.Description,
            DtStart = Local(entry.Start),
            DtEnd = Local(entry.End),
            DtStamp = new CalDateTime(stamp.UtcDateTime, "UTC"),
            Status = entry.Cancelled ? "CANCELLED" : "CONFIRMED",
            Organizer = new Organizer("mailto:" + organizer.Address) { CommonName = MailText.SingleLine(organizer.Name) },
        };
        calendar.Events.Add(calendarEvent);
        return new CalendarSerializer().SerializeToString(calendar)!;
    }

    private static CalDateTime Local(DateTimeOffset instant)
    {
        var local = TimeZoneInfo.ConvertTime(instant, TimeZoneInfo.FindSystemTimeZoneById(TimeZoneId)).DateTime;
        return new CalDateTime(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), TimeZoneId);
    }
}
