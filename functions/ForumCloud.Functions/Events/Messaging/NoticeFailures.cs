using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;

namespace ForumCloud.Functions.Events;

/// <summary>
/// Gives up on a registration change's notice, visibly: the registration row keeps which notice failed
/// and when (staff see it in the registration list), and its PendingNotice mark is cleared, so that the
/// sweep stops publishing it again (otherwise a change that always fails would cycle queue → poison →
/// sweep → queue for ever). For a SeatsAdded change (a promotion) the seat ledger gets PromotionFailedAt,
/// which the sweep respects until the ledger next changes (every seat transaction replaces it).
/// </summary>
public sealed class NoticeFailures(StorageAccount storage, TimeProvider time, ForumTelemetry telemetry, ILogger<NoticeFailures> logger)
{
    public const string PromotionFailedAt = nameof(PromotionFailedAt);

    private TableClient Table => storage.Table(TableNames.ForumEvents);

    /// <summary>The message reached the poison queue: every change in it that is still pending is given up on.</summary>
    public async Task RecordPoisonedAsync(RegistrationChange change, CancellationToken cancellationToken)
    {
        var failed = 0;
        foreach (var item in change.Changes)
        {
            if (item.Code is { } code) failed += await GiveUpAsync(change.EventId, code, item.Kind, cancellationToken) ? 1 : 0;
            else if (item.Kind == RegistrationChangeKind.SeatsAdded) await MarkPromotionFailedAsync(change.EventId, ETag.All, cancellationToken);
        }

        logger.LogError("A registration-changes message of event {EventId} reached the poison queue: {Failed} of {Count} notice(s) marked failed for staff",
            change.EventId, failed, change.Changes.Count);
        telemetry.Event("RegistrationNoticeFailed", ("eventId", change.EventId), ("notices", failed), ("source", "poison-queue"));
    }

    /// <summary>Marks the notice failed if the registration still waits for exactly this kind; false when it does not (sent, or a newer change).</summary>
    public async Task<bool> GiveUpAsync(string eventId, string code, RegistrationChangeKind kind, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var read = await Table.GetEntityIfExistsAsync<RegistrationRow>(eventId, EventKeys.Registration(code), cancellationToken: cancellationToken);
            if (!read.HasValue || !StoredEnum.Is(read.Value!.PendingNotice, kind)) return false;
            var row = read.Value;
            row.NoticeFailed = StoredEnum.Write(kind);
            row.NoticeFailedAt = time.GetUtcNow();
            row.PendingNotice = null;
            row.PendingSince = null;
            try
            {
                // A replace under the ETag read: a merge cannot remove the PendingNotice mark.
                await Table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken);
                telemetry.Event("RegistrationNoticeGivenUp", ("eventId", eventId), ("kind", ApiEnum.Name(kind)));
                return true;
            }
            catch (RequestFailedException ex) when (ex.Status is 412 or 404)
            {
                // Changed meanwhile: read again and decide again.
            }
        }

        return false;
    }

    /// <summary>Marks the event's seat ledger as having a promotion given up on (guarded by the ETag the caller read, or unconditional).</summary>
    public async Task<bool> MarkPromotionFailedAsync(string eventId, ETag etag, CancellationToken cancellationToken)
    {
        try
        {
            await Table.UpdateEntityAsync(new TableEntity(eventId, EventKeys.Ledger) { [PromotionFailedAt] = time.GetUtcNow() }, etag, TableUpdateMode.Merge, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            return false; // the ledger moved on: a later sweep decides again
        }
    }
}
