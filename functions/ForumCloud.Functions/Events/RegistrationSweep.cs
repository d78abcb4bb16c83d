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

        // (a) Unannounced changes, across every event's partition (a scan, acceptable every few minutes).
        var cutoff = time.GetUtcNow() - options.MinimumAge;
        var pendingFilter = TableClient.CreateQueryFilter(
            $"RowKey ge {EventKeys.RegistrationPrefix} and RowKey lt {EventKeys.After(EventKeys.RegistrationPrefix)} and PendingSince le {cutoff}");
        var pending = new List<(string EventId, ChangedRegistration Change)>();
        await foreach (var row in Table.QueryAsync<TableEntity>(pendingFilter, select: ["PartitionKey", "RowKey", "Code", nameof(RegistrationRow.PendingNotice)], cancellationToken: cancellationToken))
        {
            if (row.GetString(nameof(RegistrationRow.PendingNotice)) is not { } kindName || !Enum.TryParse<RegistrationChangeKind>(kindName, out var kind)) continue;
            if (row.GetString(nameof(RegistrationRow.Code)) is not { Length: > 0 } code) continue;
            pending.Add((row.PartitionKey, new ChangedRegistration(kind, code)));
        }

        foreach (var perEvent in pending.GroupBy(p => p.EventId, StringComparer.Ordinal))
        {
            foreach (var chunk in perEvent.Select(p => p.Change).Chunk(ChangesPerMessage))
            {
                await changes.PublishAsync(new RegistrationChange(perEvent.Key, chunk), cancellationToken);
                messages++;
            }

            touched.Add(perEvent.Key);
        }

        // (b) Free seats next to a waitlist in a ledger untouched for the minimum age: a promotion that never ran (a
        // fresh one may still be on its way). Table filters cannot compare two properties: Confirmed < Capacity is checked here.
        var ledgerFilter = TableClient.CreateQueryFilter($"RowKey eq {EventKeys.Ledger} and Waitlisted gt {0} and Timestamp le {cutoff}");
        var ledgers = 0;
        await foreach (var ledger in Table.QueryAsync<SeatLedgerRow>(ledgerFilter, cancellationToken: cancellationToken))
        {
            if (ledger.Confirmed >= ledger.Capacity) continue;
            await changes.PublishAsync(RegistrationChange.Of(ledger.PartitionKey, RegistrationChangeKind.SeatsAdded), cancellationToken);
            ledgers++;
            messages++;
            touched.Add(ledger.PartitionKey);
        }

        logger.LogInformation("Registration sweep: {Pending} unannounced change(s), {Ledgers} event(s) with free seats and a waitlist, {Messages} message(s) published",
            pending.Count, ledgers, messages);
        return new SweepResult(pending.Count, ledgers, messages, touched);
    }
}
