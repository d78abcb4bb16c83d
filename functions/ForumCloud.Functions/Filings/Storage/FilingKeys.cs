using Azure;
using Azure.Data.Tables;

namespace ForumCloud.Functions.Filings;

/// <summary>
/// The duplicate guard: one row per (applicant, USCC, contract number, direction), keyed by a hash (the contract
/// number is the applicant's free text; a hash keeps it out of keys). The row names the filing that
/// holds it. Insert-409 finds a duplicate. A submission that fails after claiming releases its guard; one
/// that crashed leaves a guard without a filing, which is taken over (under its ETag) once it is older
/// than any submission takes — so a failed submission never blocks a retry for long, and two concurrent
/// submissions of the same contract cannot both pass. A rejected or voided filing gives its key back.
/// </summary>
public sealed class FilingKeys(StorageAccount storage, FilingStore filings, TimeProvider clock)
{
    private const string RowKey = "guard";

    /// <summary>A guard this old whose filing does not exist belongs to a submission that died.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(1);

    private TableClient Table => storage.Table(TableNames.FilingKeys);

    /// <summary>
    /// Per applicant: a stranger who files a competitor's contract number holds only their own key, never the
    /// competitor's. (Filings from before applicants existed have no applicant and keep the old key.)
    /// </summary>
    public static string KeyOf(FilingDetails details, string? applicantId) =>
        Secrets.KeyFor("filing-key|" + (applicantId is null ? "" : applicantId + "|") + ApiEnum.Name(details.Direction) + "|" + details.DomesticParty.Uscc, details.Contract.Number);

    /// <summary>Claims the key for <paramref name="filingId"/>, or returns the id of the filing that already holds it.</summary>
    public async Task<string?> ClaimAsync(FilingDetails details, string? applicantId, string filingId, CancellationToken cancellationToken)
    {
        var key = KeyOf(details, applicantId);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            try
            {
                await Table.AddEntityAsync(new TableEntity(key, RowKey) { ["FilingId"] = filingId }, cancellationToken);
                return null;
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
            }

            var existing = await Table.GetEntityIfExistsAsync<TableEntity>(key, RowKey, cancellationToken: cancellationToken);
            if (!existing.HasValue) continue; // released meanwhile: try the insert again
            var holder = existing.Value!.GetString("FilingId");
            if (holder == filingId) return null;
            // A rejected or voided holder has released the key (its release may have been lost): take it over.
            var held = holder is null ? null : await filings.FindAsync(holder, cancellationToken);
            if (held is not null && !FilingRelease.Releases(held.Status)) return holder;
            if (held is null && existing.Value.Timestamp is { } claimedAt && clock.GetUtcNow() - claimedAt < StaleAfter) return holder ?? "";

            try
            {
                // Stale (its submission never stored the filing) or released: take it over unless someone else just did.
                var takeover = new TableEntity(key, RowKey) { ["FilingId"] = filingId };
                await Table.UpdateEntityAsync(takeover, existing.Value.ETag, TableUpdateMode.Replace, cancellationToken);
                return null;
            }
            catch (RequestFailedException ex) when (ex.Status is 412 or 404)
            {
            }
        }

        throw new InvalidOperationException("The duplicate guard kept changing; try again.");
    }

    /// <summary>Releases the key if <paramref name="filingId"/> still holds it (a submission rolled back, a filing rejected or voided).</summary>
    public async Task ReleaseAsync(FilingDetails details, string? applicantId, string filingId, CancellationToken cancellationToken)
    {
        var key = KeyOf(details, applicantId);
        var existing = await Table.GetEntityIfExistsAsync<TableEntity>(key, RowKey, cancellationToken: cancellationToken);
        if (!existing.HasValue || existing.Value!.GetString("FilingId") != filingId) return;
        try
        {
            await Table.DeleteEntityAsync(key, RowKey, existing.Value.ETag, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
        }
    }
}
