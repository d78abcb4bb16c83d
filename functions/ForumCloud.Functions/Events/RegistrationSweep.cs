using Azure.Data.Tables;
using ForumCloud.Functions.Platform;
using Microsoft.Extensions.Logging;

namespace ForumCloud.Functions.Events;

public sealed class RegistrationSweepOptions
{
    /// <summary>
    /// How long a change may wait for its queue message before the sweep publishes it again. Long enough for
    /// the handler to have cleared it in the usual case (a second message is harmless, only wasted work).
    /// </summary>
    public TimeSpan MinimumAge { get; set; } = TimeSpan.FromMinutes(2);
}

/// <summary>What one sweep found and published (counts and event ids only: no personal data).</summary>
public sealed record SweepResult(int PendingRegistrations, int SeatLedgers, int Messages, IReadOnlySet<string> EventIds);

/// <summary>
/// Completes changes whose queue message was lost (the change committed, the enqueue failed afterwards): a
/// registration whose PendingNotice is older than <see cref="RegistrationSweepOptions.MinimumAge"/> is
/// announced again, and an event with free seats and a waitlist gets a SeatsAdded change so that its lost
/// promotion happens. Idempotent: the handler writes and sends a notice once per (code, kind) and promotes
/// only into seats that are free now; once it has cleared the marks a second sweep finds nothing.
/// </summary>
public sealed class RegistrationSweep(StorageAccount storage, RegistrationChanges changes, RegistrationSweepOptions options, TimeProvider time, ILogger<RegistrationSweep> logger)
{
    /// <summary>Like a seat transaction's message: well under the 64 KiB queue message limit.</summary>
    public const int ChangesPerMessage = SeatAllocator.MaxBatch;

    private TableClient Table => storage.Table(TableNames.ForumEvents);

    public async Task<SweepResult> RunAsync(CancellationToken cancellationToken)
    {
        var touched = new HashSet<string>(StringComparer.Ordinal);
        var messages = 0;

        // Event by event, from the catalogue's one partition: every query below names its partition (on Azure a
        // query across forumevents' partitions would scan every registration).
        var cutoff = time.GetUtcNow() - options.MinimumAge;
        var events = storage.Table(TableNames.EventCatalog).QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {CatalogRow.Events}"), select: ["RowKey"], cancellationToken: cancellationToken);
        var pendingCount = 0;
        var ledgers = 0;
        await foreach (var catalogued in events)
        {
            var eventId = catalogued.RowKey;

            // (a) Unannounced changes.
            var pendingFilter = TableClient.CreateQueryFilter(
                $"PartitionKey eq {eventId} and RowKey ge {EventKeys.RegistrationPrefix} and RowKey lt {EventKeys.After(EventKeys.RegistrationPrefix)} and PendingSince le {cutoff}");
            var pending = new List<ChangedRegistration>();
            await foreach (var row in Table.QueryAsync<TableEntity>(pendingFilter, select: ["Code", nameof(RegistrationRow.PendingNotice)], cancellationToken: cancellationToken))
            {
                if (row.GetString(nameof(RegistrationRow.PendingNotice)) is not { } kindName || !Enum.TryParse<RegistrationChangeKind>(kindName, out var kind)) continue;
                if (row.GetString(nameof(RegistrationRow.Code)) is not { Length: > 0 } code) continue;
                pending.Add(new ChangedRegistration(kind, code));
            }

            foreach (var chunk in pending.Chunk(ChangesPerMessage))
            {
                await changes.PublishAsync(new RegistrationChange(eventId, chunk), cancellationToken);
                messages++;
                touched.Add(eventId);
            }

            pendingCount += pending.Count;

            // (b) Free seats next to a waitlist in a ledger untouched for the minimum age: a promotion that never ran
            // (a fresh one may still be on its way).
            var ledger = await Table.GetEntityIfExistsAsync<SeatLedgerRow>(eventId, EventKeys.Ledger, cancellationToken: cancellationToken);
            if (ledger.HasValue && ledger.Value is { Waitlisted: > 0 } l && l.Confirmed < l.Capacity && l.Timestamp <= cutoff)
            {
                await changes.PublishAsync(RegistrationChange.Of(eventId, RegistrationChangeKind.SeatsAdded), cancellationToken);
                ledgers++;
                messages++;
                touched.Add(eventId);
            }
        }

        logger.LogInformation("Registration sweep: {Pending} unannounced change(s), {Ledgers} event(s) with free seats and a waitlist, {Messages} message(s) published",
            pendingCount, ledgers, messages);
        return new SweepResult(pendingCount, ledgers, messages, touched);
    }
}
