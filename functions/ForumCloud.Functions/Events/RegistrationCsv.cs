using ForumCloud.Functions.Platform;
using System.Globalization;
using System.Text;

namespace ForumCloud.Functions.Events;

/// <summary>
/// The staff list as CSV for Excel: RFC 4180 (CRLF, fields quoted when they hold a comma, quote or line
/// break; quotes doubled), UTF-8 with a byte-order mark so Excel reads Chinese names right, and cells that
/// a spreadsheet would run as a formula (= + - @, tab, CR) prefixed with an apostrophe (OWASP CSV injection).
/// </summary>
public static class RegistrationCsv
{
    private static readonly string[] Header =
        ["code", "status", "waitlistPosition", "name", "email", "organization", "country", "role", "partnerId", "registeredAt", "checkedInAt", "checkedInBy"];

    public static byte[] Write(IEnumerable<RegistrationListItem> items)
    {
        var text = new StringBuilder();
        AppendRow(text, Header);
        foreach (var r in items)
        {
            AppendRow(text,
            [
                r.Code, ApiEnum.Name(r.Status), r.WaitlistPosition?.ToString(CultureInfo.InvariantCulture), r.Name, r.Email, r.Organization, r.Country,
                r.Role, r.PartnerId, Instant(r.RegisteredAt), r.CheckedInAt is { } c ? Instant(c) : null, r.CheckedInBy,
            ]);
        }

        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
    }

    public static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }

    private static void AppendRow(StringBuilder text, IEnumerable<string?> cells) => text.Append(string.Join(',', cells.Select(Cell))).Append("\r\n");

    private static string Instant(DateTimeOffset value) => value.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
}
