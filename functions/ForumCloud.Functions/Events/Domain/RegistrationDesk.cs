using Azure;
using Azure.Data.Tables;
using ForumCloud.Functions.Privacy;

namespace ForumCloud.Functions.Events;

/// <summary>The public side of registrations: register (idempotently), view and cancel with the manage token.</summary>
public sealed class RegistrationDesk(StorageAccount storage, SeatAllocator allocator, EventCatalog catalog, RegistrationChanges changes, RegistrationHolds holds, RegisteringPartners partners, PrivacyNotices notices, RegistrationErasure erasure, TokenSeal seal, TimeProvider time)
{
    private TableClient Table => storage.Table(TableNames.ForumEvents);

    /// <summary>A confirmed registration (partner path, 201) or an anonymous hold (202): exactly one is set.</summary>
    public sealed record Outcome(RegistrationReceipt? Receipt, bool Replayed, HoldReceipt? Hold = null);

    /// <summary>
    /// Without a partnerId: an anonymous hold confirmed by mail (an Idempotency-Key is checked but not needed: a retry
    /// answers the same 202 anyway). With a partnerId: that verified partner's access token confirms at once (403 otherwise).
    /// </summary>
    public async Task<Outcome> RegisterAsync(string eventId, RegistrationRequest body, string? idempotencyKeyHeader, string? accessToken, CancellationToken cancellationToken)
    {
        var attendee = Attendee.From(body, notices);
        var key = Attendee.IdempotencyKey(idempotencyKeyHeader);
        if (attendee.PartnerId is null)
        {
            if (!string.IsNullOrEmpty(accessToken))
            {
                throw ProblemException.Validation(new Dictionary<string, string[]> { ["partnerId"] = ["Required with X-Access-Token: the id of the partner whose token it is."] });
            }

            return new Outcome(null, false, await holds.PlaceAsync(eventId, attendee, cancellationToken));
        }

        await partners.DemandAsync(attendee.PartnerId, accessToken, cancellationToken);
        return await RegisterConfirmedAsync(eventId, attendee, key, cancellationToken);
    }

    /// <summary>The partner path (the caller has checked the partner): confirmed or waitlisted at once, idempotently.</summary>
    public async Task<Outcome> RegisterConfirmedAsync(string eventId, Attendee attendee, string? key, CancellationToken cancellationToken)
    {
        var fingerprint = attendee.Fingerprint(eventId);

        // A retry is answered before anything else, even when the window has closed since the first try.
        if (key is not null && await ReplayAsync(eventId, key, fingerprint, cancellationToken) is { } earlier) return new Outcome(earlier, true);

        var (request, token) = SeatRequestFor(eventId, attendee, key, fingerprint);
        return await AwaitSeatAsync(eventId, allocator.AllocateAsync(request), token, key, fingerprint, cancellationToken);
    }

    /// <summary>The seat request of a confirmed registration and its manage token (sealed into the idempotency record when keyed).</summary>
    public (SeatRequest Request, string ManageToken) SeatRequestFor(string eventId, Attendee attendee, string? key, string fingerprint)
    {
        var token = Secrets.NewToken();
        var idempotency = key is null ? null : new IdempotencyRow
        {
            PartitionKey = eventId,
            RowKey = EventKeys.Idempotency(eventId, key),
            Fingerprint = fingerprint,
            SealedToken = seal.Seal(token, eventId, key),
        };
        return (new SeatRequest(eventId, attendee, Secrets.Hash(token), idempotency), token);
    }

    /// <summary>
    /// The answer to an enqueued seat request. The lane checks the event (404/409 before anything is stored), reserves
    /// the code, commits the seat and enqueues the change.
    /// </summary>
    public async Task<Outcome> AwaitSeatAsync(string eventId, Task<Allocation> seat, string token, string? key, string fingerprint, CancellationToken cancellationToken)
    {
        Allocation allocation;
        try
        {
            allocation = await seat;
        }
        catch (Exception ex) when (ex is ProblemException or IdempotencyKeyTakenException)
        {
            var raced = ex is IdempotencyKeyTakenException || (key is not null && ex is ProblemException { Status: 409 });
            if (raced && await ReplayAsync(eventId, key!, fingerprint, cancellationToken) is { } first) return new Outcome(first, true);
            if (ex is IdempotencyKeyTakenException) throw ProblemException.Conflict("Request in progress.", "A request with this Idempotency-Key is being processed; retry shortly.");
            throw;
        }

        return new Outcome(new RegistrationReceipt(allocation.Code, token, allocation.Status, allocation.WaitlistPosition, eventId), false);
    }

    public async Task<RegistrationView> GetAsync(string code, string? manageToken, CancellationToken cancellationToken)
    {
        var row = await FindWithTokenAsync(code, manageToken, cancellationToken);
        var (eventRow, ledger) = await catalog.ReadAsync(row.PartitionKey, cancellationToken);
        var position = row.StatusValue == RegistrationStatus.Waitlisted && ledger is not null ? WaitlistMap.Of(ledger).PositionOf(row.WaitlistNumber) : (int?)null;
        return new RegistrationView(row.Code, row.PartitionKey, eventRow?.Title ?? "", row.Name, row.Email, row.Organization, row.Country, row.Role, row.PartnerId,
            row.StatusValue, position, row.RegisteredAt, row.ConfirmedAt, row.CancelledAt, row.CheckedInAt, row.Language, row.PrivacyNoticeVersion);
    }

    /// <summary>
    /// Cancels: the registration, the ledger and the email guard change in one ETag-guarded transaction (the
    /// email may register again). A freed seat goes to the waitlist through the queue. Cancelling twice is fine.
    /// With <paramref name="erase"/> the person's data goes too (PIPL Art. 47), in that same transaction, so no notice
    /// handler reads it afterwards (see <see cref="RegistrationErasure"/>).
    /// </summary>
    public async Task CancelAsync(string code, string? manageToken, CancellationToken cancellationToken, bool erase = false)
    {
        var row = await FindWithTokenAsync(code, manageToken, cancellationToken);
        var eventId = row.PartitionKey;
        var fresh = true;
        // The ledger is every seat change's guard: a busy event sees many 412s, so up to 100 tries.
        await OptimisticConcurrency.RetryAsync("The seat ledger", async () =>
        {
            if (!fresh) row = (await Table.GetEntityAsync<RegistrationRow>(eventId, EventKeys.Registration(code), cancellationToken: cancellationToken)).Value;
            fresh = false;
            if (row.StatusValue == RegistrationStatus.Cancelled)
            {
                if (erase) await erasure.EraseAsync(row, cancellationToken);
                return;
            }

            var ledger = (await Table.GetEntityAsync<SeatLedgerRow>(eventId, EventKeys.Ledger, cancellationToken: cancellationToken)).Value;
            var wasConfirmed = row.StatusValue == RegistrationStatus.Confirmed;
            if (wasConfirmed)
            {
                ledger.Confirmed--;
            }
            else
            {
                ledger.Waitlisted--;
                var waitlist = WaitlistMap.Of(ledger);
                waitlist.Remove(row.WaitlistNumber);
                waitlist.WriteTo(ledger);
            }

            ledger.Version++;
            row.Status = StoredEnum.Write(RegistrationStatus.Cancelled);
            row.CancelledAt = time.GetUtcNow();
            row.MarkPending(RegistrationChangeKind.Cancelled, row.CancelledAt.Value);
            var (secret, guard) = (row.CheckInSecret, EventKeys.EmailGuard(eventId, row.Email));
            if (erase) RegistrationErasure.Strip(row, row.CancelledAt.Value);
            await Table.SubmitTransactionAsync(
            [
                new TableTransactionAction(TableTransactionActionType.UpdateReplace, ledger, ledger.ETag),
                new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, row.ETag),
                new TableTransactionAction(TableTransactionActionType.Delete, new EmailGuardRow { PartitionKey = eventId, RowKey = guard }, ETag.All),
            ], cancellationToken);

            catalog.Forget(eventId);
            await changes.PublishAfterCommitAsync(RegistrationChange.Of(eventId, RegistrationChangeKind.Cancelled, code));
            if (erase) await erasure.EraseTracesAsync(eventId, code, secret, cancellationToken);
        }, cancellationToken, attempts: 100);
    }

    /// <summary>The registration, if the code exists AND the token opens it; otherwise the same 404 either way.</summary>
    private async Task<RegistrationRow> FindWithTokenAsync(string code, string? manageToken, CancellationToken cancellationToken)
    {
        var notFound = ProblemException.NotFound("No registration has that code, or the manage token does not match.");
        if (string.IsNullOrEmpty(manageToken)) throw notFound;
        var row = await FindAsync(storage, code, cancellationToken) ?? throw notFound;
        return Secrets.Matches(manageToken, row.ManageTokenHash) ? row : throw notFound;
    }

    public static async Task<RegistrationRow?> FindAsync(StorageAccount storage, string code, CancellationToken cancellationToken)
    {
        var eventId = await RegistrationCodes.EventOfAsync(storage, code, cancellationToken);
        if (eventId is null) return null;
        var row = await storage.Table(TableNames.ForumEvents).GetEntityIfExistsAsync<RegistrationRow>(eventId, EventKeys.Registration(code), cancellationToken: cancellationToken);
        return row.HasValue ? row.Value : null;
    }

    public static string WaitlistFilter(string eventId) =>
        $"{EventKeys.RegistrationsOf(eventId)} and {StoredEnum.Equal(nameof(RegistrationRow.Status), RegistrationStatus.Waitlisted)}";

    /// <summary>
    /// The first answer to an earlier request with this key, within <see cref="IdempotencyRow.Window"/> (as pretix keeps
    /// them); 422 when the key came with another body. An older record is removed and the key is free again: the
    /// request is a new one. (Two requests racing on an expired key both delete it; the insert that follows lets one win.)
    /// </summary>
    public async Task<RegistrationReceipt?> ReplayAsync(string eventId, string key, string fingerprint, CancellationToken cancellationToken)
    {
        var stored = await Table.GetEntityIfExistsAsync<IdempotencyRow>(eventId, EventKeys.Idempotency(eventId, key), cancellationToken: cancellationToken);
        if (!stored.HasValue) return null;
        var record = stored.Value!;
        if (record.CreatedAt + IdempotencyRow.Window <= time.GetUtcNow())
        {
            await DeleteExpiredAsync(record, cancellationToken);
            return null;
        }

        var token = record.Fingerprint == fingerprint ? seal.Open(record.SealedToken, eventId, key) : null;
        if (token is null)
        {
            throw new ProblemException(422, "Idempotency-Key reused.", "This Idempotency-Key was already used with a different request body; use a new key for a new request.");
        }

        return new RegistrationReceipt(record.Code, token, StoredEnum.Read<RegistrationStatus>(record.Status), record.WaitlistPosition, eventId);
    }

    private async Task DeleteExpiredAsync(IdempotencyRow record, CancellationToken cancellationToken)
    {
        try
        {
            await Table.DeleteEntityAsync(record.PartitionKey, record.RowKey, record.ETag, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            // Replaced meanwhile by a newer first answer: that one stands, and the insert that follows reports it.
        }
    }
}
