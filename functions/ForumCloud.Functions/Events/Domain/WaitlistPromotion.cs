using Azure.Data.Tables;

namespace ForumCloud.Functions.Events;

/// <summary>
/// Gives free seats to the waitlist, first come first served, in ETag-guarded transactions with the
/// ledger. Idempotent by construction: it acts only on seats that are free now, so a repeated message
/// promotes nobody twice. Each promotion is announced on the queue.
/// </summary>
public sealed class WaitlistPromotion(StorageAccount storage, RegistrationChanges changes, TimeProvider time)
{
    private TableClient Table => storage.Table(TableNames.ForumEvents);

    public async Task<IReadOnlyList<string>> FillFreeSeatsAsync(string eventId, CancellationToken cancellationToken)
    {
        var promoted = new List<string>();
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var ledgerRow = await Table.GetEntityIfExistsAsync<SeatLedgerRow>(eventId, EventKeys.Ledger, cancellationToken: cancellationToken);
            if (!ledgerRow.HasValue) return promoted;
            var ledger = ledgerRow.Value!;
            var free = ledger.Capacity - ledger.Confirmed;
            if (free <= 0 || ledger.Waitlisted <= 0) return promoted;

            var waiting = new List<RegistrationRow>();
            await foreach (var row in Table.QueryAsync<RegistrationRow>(RegistrationDesk.WaitlistFilter(eventId), cancellationToken: cancellationToken)) waiting.Add(row);
            var next = waiting.OrderBy(r => r.WaitlistNumber).Take(Math.Min(free, SeatAllocator.MaxOperations - 1)).ToList();
            if (next.Count == 0) return promoted;

            var now = time.GetUtcNow();
            ledger.Confirmed += next.Count;
            ledger.Waitlisted -= next.Count;
            ledger.Version++;
            var waitlist = WaitlistMap.Of(ledger);
            next.ForEach(r => waitlist.Remove(r.WaitlistNumber));
            waitlist.WriteTo(ledger);
            var actions = new List<TableTransactionAction> { new(TableTransactionActionType.UpdateReplace, ledger, ledger.ETag) };
            foreach (var row in next)
            {
                row.Status = StoredEnum.Write(RegistrationStatus.Confirmed);
                row.ConfirmedAt = now;
                row.MarkPending(RegistrationChangeKind.Promoted, now);
                actions.Add(new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, row.ETag));
            }

            try
            {
                await Table.SubmitTransactionAsync(actions, cancellationToken);
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 412)
            {
                await Task.Delay(Random.Shared.Next(1, 20), cancellationToken);
                continue;
            }

            promoted.AddRange(next.Select(r => r.Code));
            await changes.PublishAfterCommitAsync(new RegistrationChange(eventId, next.Select(r => new ChangedRegistration(RegistrationChangeKind.Promoted, r.Code)).ToList()));
        }

        throw new InvalidOperationException($"Could not promote from the waitlist of {eventId}: the ledger kept changing.");
    }
}
