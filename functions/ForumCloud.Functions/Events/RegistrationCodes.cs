using System.Text.RegularExpressions;
using Azure;
using ForumCloud.Functions.Platform;

namespace ForumCloud.Functions.Events;

/// <summary>
/// Human-friendly registration codes: 8 characters from pretix's alphabet (no 0/O, 1/I and only one of
/// each look-alike pair), 28^8 ≈ 3.8e11 codes. A code is unique across all events because it is first
/// reserved in the registrationcodes index with an insert that fails on a duplicate.
/// </summary>
public static partial class RegistrationCodes
{
    public const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ3789";
    public const int Length = 8;

    public static string New() => Ids.RandomString(Alphabet, Length);

    /// <summary>A code from a route, normalised to upper case; anything else is a 404 (no such registration).</summary>
    public static string Require(string? value)
    {
        var code = value?.Trim().ToUpperInvariant();
        return code is not null && Shape().IsMatch(code) ? code : throw ProblemException.NotFound("No registration has that code.");
    }

    /// <summary>
    /// Reserves a fresh code for an event. Ordering choice: the index row is written BEFORE the
    /// registration's transaction, so a registration can never exist without its index row. If the
    /// transaction then fails, the caller deletes the reservation; if the process dies in between, the
    /// orphan only points at a registration that does not exist, which reads as 404.
    /// </summary>
    public static async Task<string> ReserveAsync(StorageAccount storage, string eventId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var table = storage.Table(TableNames.RegistrationCodes);
        for (var attempt = 0; ; attempt++)
        {
            var code = New();
            try
            {
                await table.AddEntityAsync(new CodeIndexRow { PartitionKey = code, EventId = eventId, ReservedAt = now }, cancellationToken);
                return code;
            }
            catch (RequestFailedException ex) when (ex.Status == 409 && attempt < 5)
            {
                // Taken (one chance in billions): draw another.
            }
        }
    }

    public static async Task ReleaseAsync(StorageAccount storage, string code)
    {
        try
        {
            await storage.Table(TableNames.RegistrationCodes).DeleteEntityAsync(code, CodeIndexRow.Key, ETag.All, CancellationToken.None);
        }
        catch (RequestFailedException)
        {
            // Best effort: an orphaned reservation reads as "no such registration".
        }
    }

    /// <summary>The event a code belongs to, or null.</summary>
    public static async Task<string?> EventOfAsync(StorageAccount storage, string code, CancellationToken cancellationToken)
    {
        var row = await storage.Table(TableNames.RegistrationCodes).GetEntityIfExistsAsync<CodeIndexRow>(code, CodeIndexRow.Key, cancellationToken: cancellationToken);
        return row.HasValue ? row.Value!.EventId : null;
    }

    [GeneratedRegex("^[ABCDEFGHJKLMNPQRSTUVWXYZ3789]{8}$", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();
}
