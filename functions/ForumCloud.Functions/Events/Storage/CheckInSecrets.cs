using System.Text.RegularExpressions;
using Azure;
using Azure.Data.Tables;

namespace ForumCloud.Functions.Events;

/// <summary>
/// The check-in secret in the QR code, as pretix has it: 256 random bits, separate from the human registration code
/// (a code read aloud or printed on a list cannot be turned into a QR). Kept on the registration row in clear, because
/// every later mail (reminder, change) shows it again; found at the desk through the checkinsecrets index, keyed by
/// its SHA-256 hash (PartitionKey: the hash's first two hex digits), so a scan reads one row, not the table.
/// </summary>
public static partial class CheckInSecrets
{
    public static string New() => Secrets.NewToken();

    public static bool IsWellFormed(string? secret) => secret is not null && Shape().IsMatch(secret);

    /// <summary>Written before any mail shows the QR; the same content every time, so rewriting it is harmless.</summary>
    public static Task IndexAsync(StorageAccount storage, string secret, string eventId, string code, CancellationToken cancellationToken)
    {
        var hash = Secrets.Hash(secret);
        var row = new TableEntity(hash[..2], hash) { ["EventId"] = eventId, ["Code"] = code };
        return storage.Table(TableNames.CheckInSecrets).UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>The registration a secret belongs to, or null when no mail ever showed it.</summary>
    public static async Task<RegistrationRow?> FindAsync(StorageAccount storage, string secret, CancellationToken cancellationToken)
    {
        var hash = Secrets.Hash(secret);
        var index = await storage.Table(TableNames.CheckInSecrets).GetEntityIfExistsAsync<TableEntity>(hash[..2], hash, cancellationToken: cancellationToken);
        if (!index.HasValue) return null;
        var eventId = index.Value!.GetString("EventId");
        var code = index.Value!.GetString("Code");
        var row = await storage.Table(TableNames.ForumEvents).GetEntityIfExistsAsync<RegistrationRow>(eventId, EventKeys.Registration(code), cancellationToken: cancellationToken);
        // The index is only a pointer: the registration itself must hold the very secret.
        return row.HasValue && row.Value!.CheckInSecret is { } held && Secrets.Matches(secret, Secrets.Hash(held)) ? row.Value : null;
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{43}$")]
    private static partial Regex Shape();
}
