using Azure;
using Azure.Data.Tables;
using ForumCloud.Functions.Events;
using ForumCloud.Functions.Mail;
using Microsoft.Extensions.Logging;

namespace ForumCloud.Functions.Retention;

/// <summary>What one retention run changed (counts only: the log never carries whose data it was).</summary>
public sealed record RetentionReport(
    int EventsErased,
    int RegistrationsErased,
    int ExpiredHoldsErased,
    int IdempotencyRecordsDeleted,
    int MailsErased,
    int UnverifiedContactsDeleted,
    int NoticeBodiesPurged = 0)
{
    public int Total => EventsErased + RegistrationsErased + ExpiredHoldsErased + IdempotencyRecordsDeleted + MailsErased + UnverifiedContactsDeleted + NoticeBodiesPurged;
}

/// <summary>
/// Purges personal data on schedule (<see cref="RetentionPolicy"/>), event by event over the catalogue, so every query
/// names one partition of forumevents:
/// <list type="bullet">
/// <item>idempotency records older than their 24 h window (every event);</item>
/// <item>unconfirmed holds a day after they were released (the person never confirmed);</item>
/// <item>every registration of an event <see cref="RetentionPolicy.RegistrationDays"/> after it ended: the rows become
/// anonymous tombstones, email guards and QR index rows go, the event's mails are erased; a marker row then lets later
/// runs skip the event;</item>
/// <item>partners and applicants whose verification link expired unused (they never became usable: the row goes);</item>
/// <item>the address, subject and bodies of every mail sent (or failed) <see cref="RetentionPolicy.NoticeBodyDays"/> ago,
/// found through the outbox's settled index partitions (<see cref="MailOutbox.PurgeBodiesAsync"/>).</item>
/// </list>
/// Idempotent (a second run changes nothing), paged (one partition page at a time, writes in transactions of up to
/// 100), safe to stop at any point (the next run continues), and runnable by hand (POST /admin/functions/PurgePersonalData).
/// </summary>
public sealed class RetentionSweep(StorageAccount storage, RegistrationErasure erasure, OutboxErasure outbox, MailOutbox mails, RetentionPolicy policy, TimeProvider time, ILogger<RetentionSweep> logger)
{
    private const int TransactionSize = 100;
    private const int NoticesPerCall = 500;

    private TableClient Events => storage.Table(TableNames.ForumEvents);

    public async Task<RetentionReport> RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var report = new RetentionReport(0, 0, 0, 0, 0, 0);
        await foreach (var catalog in storage.Table(TableNames.EventCatalog).QueryAsync<CatalogRow>(
            TableClient.CreateQueryFilter($"PartitionKey eq {CatalogRow.Events}"), cancellationToken: cancellationToken))
        {
            var ended = catalog.ToSnapshot().Event.EndsAt;
            report = report with { IdempotencyRecordsDeleted = report.IdempotencyRecordsDeleted + await DeleteExpiredIdempotencyAsync(catalog.RowKey, now, cancellationToken) };
            if (ended.AddDays(policy.RegistrationDays) <= now)
            {
                if (await EraseEventAsync(catalog.RowKey, now, cancellationToken) is { } erased)
                {
                    report = report with { EventsErased = report.EventsErased + 1, RegistrationsErased = report.RegistrationsErased + erased.Registrations, MailsErased = report.MailsErased + erased.Mails };
                }
            }
            else
            {
                var (holds, mails) = await EraseExpiredHoldsAsync(catalog.RowKey, now, cancellationToken);
                report = report with { ExpiredHoldsErased = report.ExpiredHoldsErased + holds, MailsErased = report.MailsErased + mails };
            }
        }

        report = report with { UnverifiedContactsDeleted = await DeleteUnverifiedAsync(now, cancellationToken), NoticeBodiesPurged = await PurgeNoticeBodiesAsync(now, cancellationToken) };
        logger.LogInformation(
            "Retention run: {EventsErased} event(s) erased ({RegistrationsErased} registrations), {ExpiredHoldsErased} expired hold(s), {IdempotencyRecordsDeleted} idempotency record(s), {MailsErased} mail(s) of erased registrations, {NoticeBodiesPurged} mail bodies past {NoticeBodyDays} days, {UnverifiedContactsDeleted} unverified contact(s)",
            report.EventsErased, report.RegistrationsErased, report.ExpiredHoldsErased, report.IdempotencyRecordsDeleted, report.MailsErased, report.NoticeBodiesPurged, policy.NoticeBodyDays, report.UnverifiedContactsDeleted);
        return report;
    }

    private async Task<int> PurgeNoticeBodiesAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (total, purged) = (0, NoticesPerCall);
        while (purged == NoticesPerCall)
        {
            purged = await mails.PurgeBodiesAsync(now.AddDays(-policy.NoticeBodyDays), NoticesPerCall, cancellationToken);
            total += purged;
        }

        return total;
    }

    private async Task<int> DeleteExpiredIdempotencyAsync(string eventId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {eventId} and RowKey ge {EventKeys.IdempotencyPrefix} and RowKey lt {RowKeys.After(EventKeys.IdempotencyPrefix)} and CreatedAt le {now - IdempotencyRow.Window}");
        var keys = new List<string>();
        await foreach (var row in Events.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken)) keys.Add(row.RowKey);
        return await DeleteRowsAsync(Events, eventId, keys, cancellationToken);
    }

    /// <summary>Null when an earlier run finished the event (its marker row exists).</summary>
    private async Task<(int Registrations, int Mails)?> EraseEventAsync(string eventId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if ((await Events.GetEntityIfExistsAsync<TableEntity>(eventId, RetentionMarker, cancellationToken: cancellationToken)).HasValue) return null;

        var registrations = 0;
        var filter = EventKeys.RegistrationsOf(eventId);
        await foreach (var page in Events.QueryAsync<RegistrationRow>(filter, maxPerPage: TransactionSize, cancellationToken: cancellationToken).AsPages())
        {
            registrations += await EraseRowsAsync(page.Values.Where(r => !RegistrationErasure.IsErased(r)).ToList(), now, cancellationToken);
        }

        var guards = new List<string>();
        var guardFilter = TableClient.CreateQueryFilter($"PartitionKey eq {eventId} and RowKey ge {EventKeys.EmailGuardPrefix} and RowKey lt {RowKeys.After(EventKeys.EmailGuardPrefix)}");
        await foreach (var row in Events.QueryAsync<TableEntity>(guardFilter, select: ["RowKey"], cancellationToken: cancellationToken)) guards.Add(row.RowKey);
        await DeleteRowsAsync(Events, eventId, guards, cancellationToken);

        var mails = await outbox.EraseAsync(RegistrationMail.PartitionFor(eventId), "", cancellationToken);
        await Events.UpsertEntityAsync(new TableEntity(eventId, RetentionMarker) { ["PersonalDataErasedAt"] = now, ["RegistrationDays"] = policy.RegistrationDays }, TableUpdateMode.Replace, cancellationToken);
        return (registrations, mails);
    }

    /// <summary>Holds released unconfirmed (cancelled, never confirmed) over a day ago: the person never completed the registration.</summary>
    private async Task<(int Holds, int Mails)> EraseExpiredHoldsAsync(string eventId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var filter = $"{EventKeys.RegistrationsOf(eventId)} and {StoredEnum.Equal(nameof(RegistrationRow.Status), RegistrationStatus.Cancelled)} and "
            + TableClient.CreateQueryFilter($"HoldExpiresAt le {now - RetentionPolicy.ExpiredGrace}");
        var (holds, mails) = (0, 0);
        await foreach (var row in Events.QueryAsync<RegistrationRow>(filter, cancellationToken: cancellationToken))
        {
            if (row.ConfirmedAt is not null || RegistrationErasure.IsErased(row)) continue;
            mails += await erasure.EraseAsync(row, cancellationToken);
            holds++;
        }

        return (holds, mails);
    }

    /// <summary>Strips a page of registrations in one transaction; a row changed meanwhile makes it fall back to one by one.</summary>
    private async Task<int> EraseRowsAsync(List<RegistrationRow> rows, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (rows.Count == 0) return 0;
        var secrets = rows.Select(r => r.CheckInSecret).OfType<string>().ToList();
        foreach (var row in rows) RegistrationErasure.Strip(row, now);
        try
        {
            await Events.SubmitTransactionAsync(rows.Select(r => new TableTransactionAction(TableTransactionActionType.UpdateReplace, r, r.ETag)), cancellationToken);
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 412 or 404)
        {
            foreach (var row in rows)
            {
                var fresh = await Events.GetEntityIfExistsAsync<RegistrationRow>(row.PartitionKey, row.RowKey, cancellationToken: cancellationToken);
                if (fresh.HasValue) await erasure.EraseAsync(fresh.Value!, cancellationToken);
            }
        }

        foreach (var secret in secrets)
        {
            var hash = Secrets.Hash(secret);
            await storage.Table(TableNames.CheckInSecrets).DeleteEntityAsync(hash[..2], hash, ETag.All, cancellationToken);
        }

        return rows.Count;
    }

    /// <summary>
    /// Partners and applicants still pending verification a day after their link expired: nobody proved the address,
    /// so the row (an address and a name nobody confirmed) goes. These filters cross the partitions of partners and
    /// applicants: one row per organisation, a back office's volume, unlike the per-registration tables.
    /// </summary>
    private async Task<int> DeleteUnverifiedAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var deleted = 0;
        foreach (var table in new[] { TableNames.Partners, TableNames.Applicants })
        {
            var client = storage.Table(table);
            var filter = TableClient.CreateQueryFilter($"Status eq {ApiEnum.Name(Partners.PartnerStatus.PendingVerification)} and VerificationExpiresAt le {now - RetentionPolicy.ExpiredGrace}");
            await foreach (var row in client.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
            {
                // An expired link can no longer verify anything, so nothing can have changed the row meanwhile.
                await client.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, cancellationToken);
                deleted++;
            }
        }

        return deleted;
    }

    private static async Task<int> DeleteRowsAsync(TableClient table, string partition, List<string> rowKeys, CancellationToken cancellationToken)
    {
        foreach (var chunk in rowKeys.Chunk(TransactionSize))
        {
            try
            {
                await table.SubmitTransactionAsync(chunk.Select(key => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, key), ETag.All)), cancellationToken);
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 404)
            {
                foreach (var key in chunk) await table.DeleteEntityAsync(partition, key, ETag.All, cancellationToken);
            }
        }

        return rowKeys.Count;
    }

    /// <summary>The row in an event's partition that says retention finished the event (and under which setting).</summary>
    public const string RetentionMarker = "retention";
}
