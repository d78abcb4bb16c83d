using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;

namespace ForumCloud.Functions.Events;

public sealed class RegistrationSweepOptions
{
    /// <summary>
    /// How long a change may wait for its queue message before the sweep publishes it again. Long enough for
    /// the handler to have cleared it in the usual case (a second message is harmless, only wasted work).
    /// </summary>
    public TimeSpan MinimumAge { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How often the sweep publishes one pending change again before it gives up on it (each publication is
    /// itself tried host.json's maxDequeueCount times): the notice is then marked failed for staff.
    /// </summary>
    public int MaxAttempts { get; set; } = 3;
}

/// <summary>What one sweep found, published and gave up on (counts and event ids only: no personal data).</summary>
public sealed record SweepResult(int PendingRegistrations, int SeatLedgers, int Messages, int GivenUp, IReadOnlySet<string> EventIds);

/// <summary>
/// Completes changes whose queue message was lost (the change committed, the enqueue failed afterwards): a
/// registration whose PendingNotice is older than <see cref="RegistrationSweepOptions.MinimumAge"/> is
/// announced again, and an event with free seats and a waitlist gets a SeatsAdded change so that its lost
/// promotion happens. Idempotent: the handler writes and sends a notice once per (code, kind) and promotes
/// only into seats that are free now; once it has cleared the marks a second sweep finds nothing.
/// Every publication is counted on the row (before the message goes, so the handler reads the count's ETag);
/// after <see cref="RegistrationSweepOptions.MaxAttempts"/> the sweep gives up (<see cref="NoticeFailures"/>).
/// </summary>
public sealed class RegistrationSweep(StorageAccount storage, RegistrationChanges changes, NoticeFailures failures, RegistrationSweepOptions options, TimeProvider time, ILogger<RegistrationSweep> logger)
{
    /// <summary>Like a seat transaction's message: well under the 64 KiB queue message limit.</summary>
    public const int ChangesPerMessage = SeatAllocator.MaxBatch;

    /// <summary>On the seat ledger: how often the sweep has published SeatsAdded since the ledger last changed.</summary>
    public const string PromotionSweeps = nameof(PromotionSweeps);

    private TableClient Table => storage.Table(TableNames.ForumEvents);

    public async Task<SweepResult> RunAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - options.MinimumAge;
        var touched = new HashSet<string>(StringComparer.Ordinal);
        var (pendingCount, ledgers, messages, givenUp) = (0, 0, 0, 0);

        // Event by event, from the catalogue's one partition: every query below names its partition (on Azure a
        // query across forumevents' partitions would scan every registration).
        await foreach (var eventId in CatalogRow.EventIdsAsync(storage, cancellationToken))
        {
            var (pending, pendingGivenUp) = await PendingChangesAsync(eventId, cutoff, cancellationToken);
            givenUp += pendingGivenUp;
            pendingCount += pending.Count;
            foreach (var chunk in pending.Chunk(ChangesPerMessage))
            {
                await changes.PublishAsync(new RegistrationChange(eventId, chunk), cancellationToken);
                messages++;
            }

            if (pending.Count > 0) touched.Add(eventId);

            switch (await StalledPromotionAsync(eventId, cutoff, cancellationToken))
            {
                case PromotionSweep.Published:
                    ledgers++;
                    messages++;
                    touched.Add(eventId);
                    break;
                case PromotionSweep.GivenUp:
                    givenUp++;
                    break;
            }
        }

        logger.LogInformation("Registration sweep: {Pending} unannounced change(s), {Ledgers} event(s) with free seats and a waitlist, {Messages} message(s) published, {GivenUp} given up",
            pendingCount, ledgers, messages, givenUp);
        return new SweepResult(pendingCount, ledgers, messages, givenUp, touched);
    }

    /// <summary>(a) Unannounced changes of one event (a query of its partition).</summary>
    private async Task<(List<ChangedRegistration> Pending, int GivenUp)> PendingChangesAsync(string eventId, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var filter = $"{EventKeys.RegistrationsOf(eventId)} and " + TableClient.CreateQueryFilter($"PendingSince le {cutoff}");
        string[] columns = ["PartitionKey", "RowKey", nameof(RegistrationRow.Code), nameof(RegistrationRow.PendingNotice), nameof(RegistrationRow.PendingSince),
            nameof(RegistrationRow.NoticeSweeps), nameof(RegistrationRow.NoticeSweptFor)];
        var pending = new List<ChangedRegistration>();
        var givenUp = 0;
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, select: columns, cancellationToken: cancellationToken))
        {
            if (row.GetString(nameof(RegistrationRow.PendingNotice)) is not { } kindName || !StoredEnum.TryRead<RegistrationChangeKind>(kindName, out var kind)) continue;
            if (row.GetString(nameof(RegistrationRow.Code)) is not { Length: > 0 } code) continue;

            // The count belongs to one pending change (its PendingSince); a newer change starts again at zero.
            var since = row.GetDateTimeOffset(nameof(RegistrationRow.PendingSince));
            var sweeps = row.GetDateTimeOffset(nameof(RegistrationRow.NoticeSweptFor)) == since ? row.GetInt32(nameof(RegistrationRow.NoticeSweeps)) ?? 0 : 0;
            if (sweeps >= options.MaxAttempts)
            {
                if (await failures.GiveUpAsync(row.PartitionKey, code, kind, cancellationToken)) givenUp++;
                continue;
            }

            var counted = new TableEntity(row.PartitionKey, row.RowKey) { [nameof(RegistrationRow.NoticeSweeps)] = sweeps + 1, [nameof(RegistrationRow.NoticeSweptFor)] = since };
            if (await TryMergeAsync(counted, row.ETag, cancellationToken)) pending.Add(new ChangedRegistration(kind, code));
        }

        return (pending, givenUp);
    }

    private enum PromotionSweep
    {
        Nothing,
        Published,
        GivenUp,
    }

    /// <summary>
    /// (b) Free seats next to a waitlist in a ledger untouched for the minimum age: a promotion that never ran (a
    /// fresh one may still be on its way). One point read of the event's ledger.
    /// </summary>
    private async Task<PromotionSweep> StalledPromotionAsync(string eventId, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var found = await Table.GetEntityIfExistsAsync<TableEntity>(eventId, EventKeys.Ledger, cancellationToken: cancellationToken);
        if (!found.HasValue || found.Value is not { } ledger) return PromotionSweep.Nothing;
        if ((ledger.GetInt32(nameof(SeatLedgerRow.Waitlisted)) ?? 0) <= 0 || ledger.Timestamp > cutoff) return PromotionSweep.Nothing;
        if (ledger.GetInt32(nameof(SeatLedgerRow.Confirmed)) >= ledger.GetInt32(nameof(SeatLedgerRow.Capacity))) return PromotionSweep.Nothing;
        if (ledger.ContainsKey(NoticeFailures.PromotionFailedAt)) return PromotionSweep.Nothing; // given up on until the ledger next changes

        var sweeps = ledger.GetInt32(PromotionSweeps) ?? 0;
        if (sweeps >= options.MaxAttempts)
        {
            return await failures.MarkPromotionFailedAsync(ledger.PartitionKey, ledger.ETag, cancellationToken) ? PromotionSweep.GivenUp : PromotionSweep.Nothing;
        }

        if (!await TryMergeAsync(new TableEntity(ledger.PartitionKey, ledger.RowKey) { [PromotionSweeps] = sweeps + 1 }, ledger.ETag, cancellationToken)) return PromotionSweep.Nothing;
        await changes.PublishAsync(RegistrationChange.Of(ledger.PartitionKey, RegistrationChangeKind.SeatsAdded), cancellationToken);
        return PromotionSweep.Published;
    }

    /// <summary>A merge under the ETag read; false when the row changed meanwhile (the next sweep decides again).</summary>
    private async Task<bool> TryMergeAsync(TableEntity entity, ETag etag, CancellationToken cancellationToken)
    {
        try
        {
            await Table.UpdateEntityAsync(entity, etag, TableUpdateMode.Merge, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            return false;
        }
    }
}
