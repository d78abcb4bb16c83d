using System.Globalization;
using ForumCloud.Functions.Mail;

namespace ForumCloud.Functions.Events;

/// <summary>
/// The mails of an anonymous hold: the confirmation link, the answer to the same address registering again, and the
/// release of an unconfirmed hold. Outbox keys live beside the registration's other mails (partition "event-{eventId}").
/// </summary>
public static class HoldMail
{
    public static string LinkRow(string code) => code + "-confirm-link";

    /// <summary>The mail to an address that registered again, one per throttle window: the window's number is in the key.</summary>
    public static string AgainRow(string code, long window) => code + "-again-" + window.ToString(CultureInfo.InvariantCulture);

    public static string ExpiredRow(string code) => code + "-hold-expired";

    public static MailRequest Link(EventRow eventRow, string code, string row, string to, string name, MailLanguage? language, Uri link, DateTimeOffset expiresAt) =>
        Mail(eventRow, row, to, name, language, "registration-confirm-link", code, new Dictionary<string, string>
        {
            ["expires_en"] = ForumDates.EnglishTime(expiresAt),
            ["expires_zh"] = ForumDates.ChineseTime(expiresAt),
        }) with { ActionUrl = link.ToString() };

    public static MailRequest AlreadyRegistered(EventRow eventRow, string code, string row, string to, string name, MailLanguage? language, Uri manage) =>
        Mail(eventRow, row, to, name, language, "registration-already-registered", code, []) with { ActionUrl = manage.ToString() };

    public static MailRequest Expired(EventRow eventRow, string code, string to, string name, MailLanguage? language) =>
        Mail(eventRow, ExpiredRow(code), to, name, language, "registration-hold-expired", code, []);

    private static MailRequest Mail(EventRow eventRow, string row, string to, string name, MailLanguage? language, string template, string code, Dictionary<string, string> extra)
    {
        var model = new Dictionary<string, string>(extra)
        {
            ["name"] = name,
            ["eventTitle"] = eventRow.Title,
            ["when_en"] = ForumDates.English(eventRow.StartsAt, eventRow.EndsAt),
            ["when_zh"] = ForumDates.Chinese(eventRow.StartsAt, eventRow.EndsAt),
            ["venue"] = eventRow.Venue,
            ["code"] = code,
        };
        return new MailRequest(new OutboxKey(RegistrationMail.PartitionFor(eventRow.PartitionKey), row), to, name, template, language, model);
    }
}
