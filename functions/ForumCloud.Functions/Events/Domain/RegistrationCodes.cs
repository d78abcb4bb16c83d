using System.Text.RegularExpressions;
using Azure;
using Azure.Data.Tables;

namespace ForumCloud.Functions.Events;

/// <summary>
/// Human-friendly registration codes: 8 characters from pretix's alphabet (no 0/O, 1/I and only one of
/// each look-alike pair), 28^8 ≈ 3.8e11 codes. A code is unique across all events because it is first
/// reserved in the registrationcodes index with inserts that fail on a duplicate.
/// The index is partitioned by the code's first two characters (784 partitions); the codes of one seat
/// batch share their prefix, so the whole batch is reserved in one transaction.
/// </summary>
public static partial class RegistrationCodes
{
    public const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ3789";
    public const int Length = 8;
    public const int PrefixLength = 2;

    public static string New() => Ids.RandomString(Alphabet, Length);

    /// <summary>Codes sharing a random prefix (the remaining six characters random: 28^6 ≈ 4.8e8 each).</summary>
    public static IReadOnlyList<string> NewBatch(int count)
    {
        var prefix = Ids.RandomString(Alphabet, PrefixLength);
        var codes = new HashSet<string>(StringComparer.Ordinal);
        while (codes.Count < count) codes.Add(prefix + Ids.RandomString(Alphabet, Length - PrefixLength));
        return codes.ToArray();
    }

    public static string PartitionOf(string code) => code[..PrefixLength];

    /// <summary>Whether the text has a code's shape (upper case, as issued).</summary>
    public static bool IsWellFormed(string code) => Shape().IsMatch(code);

    /// <summary>A code from a route, normalised to upper case; anything else is a 404 (no such registration).</summary>
    public static string Require(string? value)
    {
        var code = value?.Trim().ToUpperInvariant();
        return code is not null && Shape().IsMatch(code) ? code : throw ProblemException.NotFound("No registration has that code.");
    }

    /// <summary>
    /// Reserves fresh codes for an event. Ordering choice: the index rows are written BEFORE the
    /// registrations' transaction, so a registration can never exist without its index row. A request the
    /// seat transaction then refuses has its code released; if the process dies in between, the orphan only
    /// points at a registration that does not exist, which reads as 404.
    /// </summary>
    public static async Task<IReadOnlyList<string>> ReserveAsync(StorageAccount storage, string eventId, int count, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var table = storage.Table(TableNames.RegistrationCodes);
        for (var attempt = 0; ; attempt++)
        {
            var codes = NewBatch(count);
            try
            {
                await table.SubmitTransactionAsync(codes.Select(code => new TableTransactionAction(TableTransactionActionType.Add,
                    new CodeIndexRow { PartitionKey = PartitionOf(code), RowKey = code, EventId = eventId, ReservedAt = now })), cancellationToken);
                return codes;
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 409 && attempt < 5)
            {
                // One of them is taken (one chance in hundreds of millions): draw another set.
            }
        }
    }

    public static async Task ReleaseAsync(StorageAccount storage, string code)
    {
        try
        {
            await storage.Table(TableNames.RegistrationCodes).DeleteEntityAsync(PartitionOf(code), code, ETag.All, CancellationToken.None);
        }
        catch (RequestFailedException)
        {
            // Best effort: an orphaned reservation reads as "no such registration".
        }
    }

    /// <summary>The event a code belongs to, or null.</summary>
    public static async Task<string?> EventOfAsync(StorageAccount storage, string code, CancellationToken cancellationToken)
    {
        var row = await storage.Table(TableNames.RegistrationCodes).GetEntityIfExistsAsync<CodeIndexRow>(PartitionOf(code), code, cancellationToken: cancellationToken);
        return row.HasValue ? row.Value!.EventId : null;
    }

    [GeneratedRegex("^[ABCDEFGHJKLMNPQRSTUVWXYZ3789]{8}$", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();
}
