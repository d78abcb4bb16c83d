using System.Globalization;
using Azure.Data.Tables;

namespace ForumCloud.Functions.Partners;

/// <summary>A reminder as staff read it: what the expiry scan flagged, and when.</summary>
public sealed record ReminderView(
    string CooperationId,
    ReminderKind Kind,
    DateOnly EndDate,
    DateOnly WrittenOn,
    string PartnerId,
    string Country,
    string Title,
    CooperationStatus StatusWhenWritten);

/// <summary>
/// The staff digest of the expiry scan's reminders (GET /api/staff/reminders): by kind and by the
/// Beijing date they were written on or after, paged like the cooperation query.
/// </summary>
public sealed class ReminderDigest(StorageAccount storage)
{
    public static (ReminderKind? Kind, DateOnly? WrittenSince) ParseFilter(FieldErrors errors, string? kind, string? writtenSince)
    {
        var parsedKind = errors.OptionalEnum<ReminderKind>("kind", kind);

        var since = errors.OptionalDate("writtenSince", writtenSince);
        return (parsedKind, since);
    }

    public async Task<Page<ReminderView>> ListAsync(ReminderKind? kind, DateOnly? writtenSince, int pageSize, string? continuation, CancellationToken cancellationToken)
    {
        var kindText = kind is { } k ? ApiEnum.Name(k) : null;
        var sinceText = writtenSince is { } d ? CooperationRows.DateText(d) : null;
        var fingerprint = string.Join('\u001f', "reminders", kindText ?? "", sinceText ?? "");
        var tableToken = ContinuationToken.Decode(continuation, fingerprint);

        // Each combination is its own constant filter; values go through CreateQueryFilter.
        string? filter = (kindText, sinceText) switch
        {
            (null, null) => null,
            ({ } kk, null) => TableClient.CreateQueryFilter($"Kind eq {kk}"),
            (null, { } ss) => TableClient.CreateQueryFilter($"WrittenOn ge {ss}"),
            ({ } kk, { } ss) => TableClient.CreateQueryFilter($"Kind eq {kk} and WrittenOn ge {ss}"),
        };

        var page = await storage.Table(TableNames.Reminders)
            .QueryAsync<TableEntity>(filter, maxPerPage: pageSize, cancellationToken: cancellationToken)
            .AsPages(tableToken, pageSize)
            .FirstAsync(cancellationToken);
        var items = page.Values.Select(e => new ReminderView(
            e.PartitionKey,
            StoredEnum.Read<ReminderKind>(e.GetString("Kind")),
            DateOnly.ParseExact(e.GetString("EndDate"), "yyyy-MM-dd", CultureInfo.InvariantCulture),
            DateOnly.ParseExact(e.GetString("WrittenOn"), "yyyy-MM-dd", CultureInfo.InvariantCulture),
            e.GetString("PartnerId"),
            e.GetString("Country"),
            e.GetString("Title"),
            StoredEnum.Read<CooperationStatus>(e.GetString("Status")))).ToArray();
        return new Page<ReminderView>(items, ContinuationToken.Encode(page.ContinuationToken, fingerprint));
    }
}
