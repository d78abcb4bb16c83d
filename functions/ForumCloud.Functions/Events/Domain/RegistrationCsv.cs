using System.Globalization;
using CsvHelper;

namespace ForumCloud.Functions.Events;

/// <summary>
/// The staff list as CSV for Excel, written by CsvHelper: RFC 4180 (CRLF, fields quoted when they need it, quotes
/// doubled), UTF-8 with a byte-order mark so Excel reads Chinese names right, and cells that a spreadsheet would run
/// as a formula (= + - @, tab, CR) prefixed with an apostrophe (OWASP CSV injection; CsvHelper's InjectionOptions).
/// </summary>
public static class RegistrationCsv
{
    private static readonly string[] Header =
        ["code", "status", "waitlistPosition", "name", "email", "organization", "country", "role", "partnerId", "registeredAt", "checkedInAt", "checkedInBy"];

    // RFC 4180 and CRLF are CsvHelper's defaults; the injection characters default to OWASP's (= @ + - tab CR).
    private static readonly CsvWriterOptions Excel = new() { Injection = CsvInjection.Escape, InjectionEscape = '\'', WriteByteOrderMark = true };

    public static byte[] Write(IEnumerable<RegistrationListItem> items)
    {
        using var bytes = new MemoryStream();
        using (var csv = CsvWriter.Create(bytes, Excel, true))
        {
            WriteRow(csv, Header);
            foreach (var r in items)
            {
                WriteRow(csv,
                [
                    r.Code, ApiEnum.Name(r.Status), r.WaitlistPosition?.ToString(CultureInfo.InvariantCulture), r.Name, r.Email, r.Organization, r.Country,
                    r.Role, r.PartnerId, Instant(r.RegisteredAt), r.CheckedInAt is { } c ? Instant(c) : null, r.CheckedInBy,
                ]);
            }
        }

        return bytes.ToArray();
    }

    private static void WriteRow(CsvWriter csv, IEnumerable<string?> cells)
    {
        foreach (var cell in cells) csv.WriteField(cell ?? "");
        csv.EndRecord();
    }

    private static string Instant(DateTimeOffset value) => value.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
}
