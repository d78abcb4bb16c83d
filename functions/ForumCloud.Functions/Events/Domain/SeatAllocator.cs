using System.Collections.Concurrent;
using System.Threading.Channels;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;

namespace ForumCloud.Functions.Events;

/// <summary>A registration waiting for a seat, its token already hashed.</summary>
public sealed record SeatRequest(string EventId, Attendee Attendee, string ManageTokenHash, IdempotencyRow? Idempotency)
{
    /// <summary>Set for an anonymous registration: the place is held until confirmed by the mailed link (see <see cref="RegistrationHolds"/>).</summary>
    public SeatHold? Hold { get; init; }
}

/// <summary>The hash of the confirmation link's secret and when the unconfirmed hold is released.</summary>
public sealed record SeatHold(string ConfirmTokenHash, DateTimeOffset ExpiresAt);

public sealed record Allocation(string Code, RegistrationStatus Status, int? WaitlistPosition)
{
    /// <summary>The event row the seat transaction was checked against (what a mail about it needs, without a read).</summary>
    public EventRow? Event { get; init; }
}

/// <summary>The Idempotency-Key was stored by another request first: answer with that request's result.</summary>
public sealed class IdempotencyKeyTakenException() : Exception("The Idempotency-Key was used by an earlier request.");

/// <summary>
/// Allocates seats. Correctness comes from storage: the seat ledger, the registrations, their email guards
/// and idempotency records are written in ONE entity-group transaction guarded by the ledger's ETag; a
/// stale ETag (412, another process allocated first) means re-read and retry. Throughput comes from
/// serialising per event inside the process: one lane per event takes every waiting registration (up to
/// <see cref="MaxBatch"/>), checks the event once, reserves their codes in one transaction, commits their
/// seats in one transaction and announces them in one queue message, instead of hundreds of requests
/// racing for one ETag.
/// </summary>
public sealed class SeatAllocator(StorageAccount storage, EventCatalog catalog, RegistrationChanges changes, TimeProvider time, ILogger<SeatAllocator> logger)
{
    /// <summary>
    /// Registrations per seat transaction: 1 ledger + 2 rows each (registration, email guard) fill the 100-operation
    /// limit at 49; a request with an Idempotency-Key adds a third row, and the lane then takes fewer (see
    /// <see cref="RowsOf"/>). Fuller transactions mean fewer round trips on the lane's serial path in a burst.
    /// </summary>
    public const int MaxBatch = (MaxOperations - 1) / 2;

    public const int MaxOperations = 100;

    /// <summary>A lane with nothing to do for this long ends and is removed, so lanes exist only for events in demand.</summary>
    public static readonly TimeSpan IdleLane = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, Lane> _lanes = new(StringComparer.Ordinal);

    /// <summary>Lanes alive now (one per event with recent registrations).</summary>
    public int LaneCount => _lanes.Count;

    /// <summary>
    /// A lane is created only for an event that exists (a cached point read; 404 otherwise), so requests for
    /// random ids cost a read each and leave nothing behind.
    /// </summary>
    /// <summary>
    /// Opens the event's lane ahead of a series of requests (a delegation), so that requests enqueued one after
    /// another without awaiting keep their order: only the first request for a lane-less event awaits the check.
    /// </summary>
    public async Task OpenLaneAsync(string eventId)
    {
        if (_lanes.ContainsKey(eventId)) return;
        await catalog.GetSnapshotAsync(eventId, CancellationToken.None);
        _lanes.GetOrAdd(eventId, id => new Lane(id, this));
    }

    public async Task<Allocation> AllocateAsync(SeatRequest request)
    {
        while (true)
        {
            if (!_lanes.TryGetValue(request.EventId, out var lane))
            {
                await catalog.GetSnapshotAsync(request.EventId, CancellationToken.None);
                lane = _lanes.GetOrAdd(request.EventId, id => new Lane(id, this));
            }

            if (lane.TryEnqueue(request, out var allocation)) return await allocation;
            _lanes.TryRemove(KeyValuePair.Create(request.EventId, lane)); // it retired meanwhile: take a fresh one
        }
    }

    private sealed class Pending(SeatRequest request)
    {
        public SeatRequest Request { get; } = request;

        public TaskCompletionSource<Allocation> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Set by the lane once the code is reserved.</summary>
        public string Code { get; set; } = "";

        public string RegistrationKey => EventKeys.Registration(Code);

        public string EmailKey => EventKeys.EmailGuard(Request.EventId, Request.Attendee.Email);

        public string? IdempotencyKey => Request.Idempotency?.RowKey;
    }

    private sealed class Lane
    {
        private readonly Channel<Pending> _waiting = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
        private readonly string _eventId;
        private readonly SeatAllocator _allocator;

        public Lane(string eventId, SeatAllocator allocator)
        {
            _eventId = eventId;
            _allocator = allocator;
            _ = Task.Run(RunAsync);
        }

        /// <summary>
        /// The event row and the ledger as this lane last committed them (the ledger with the ETag the commit
        /// returned), so the next batch needs no read. Safe: any other change of the event moves the ledger's
        /// ETag (staff updates write it too), and the batch's transaction then fails with 412 and reads again.
        /// </summary>
        public (EventRow Event, SeatLedgerRow Ledger)? Known { get; set; }

        /// <summary>Codes reserved ahead, while the previous batch committed; the ones left when the lane retires are released.</summary>
        private readonly List<string> _spareCodes = [];
        private Task<IReadOnlyList<string>>? _codesAhead;

        /// <summary>Codes for a batch: those reserved ahead when there are enough, else reserved now.</summary>
        public async Task<IReadOnlyList<string>> TakeCodesAsync(int count)
        {
            if (_codesAhead is { } ahead)
            {
                _codesAhead = null;
                try
                {
                    _spareCodes.AddRange(await ahead);
                }
                catch (Exception)
                {
                    // Reserved nothing (or nothing known): this batch reserves its own.
                }
            }

            if (_spareCodes.Count < count) return await _allocator.ReserveCodesAsync(_eventId, count);
            var taken = _spareCodes.GetRange(0, count);
            _spareCodes.RemoveRange(0, count);
            return taken;
        }

        private async Task ReleaseSpareCodesAsync()
        {
            if (_codesAhead is not null) await TakeCodesAsync(0);
            foreach (var code in _spareCodes) await _allocator.ReleaseCodeAsync(code);
            _spareCodes.Clear();
        }

        /// <summary>
        /// While a batch's seat transaction is in flight, reserve the next batch's codes if requests are waiting:
        /// a burst then costs one round trip per batch on the lane's path (the seat transaction), not two.
        /// </summary>
        public void ReserveAhead()
        {
            if (_codesAhead is null && _waiting.Reader.TryPeek(out _) && _spareCodes.Count < MaxBatch) _codesAhead = _allocator.ReserveCodesAsync(_eventId, MaxBatch);
        }

        public bool TryEnqueue(SeatRequest request, out Task<Allocation> allocation)
        {
            var pending = new Pending(request);
            allocation = pending.Result.Task;
            return _waiting.Writer.TryWrite(pending);
        }

        private async Task RunAsync()
        {
            var carried = new List<Pending>();
            while (carried.Count > 0 || await WaitOrRetireAsync())
            {
                // Two requests for the same email or Idempotency-Key may not share a transaction (it would
                // fail as a whole); the later one waits for the next batch, where it meets the first's rows.
                var batch = new List<Pending>();
                var next = new List<Pending>();
                var keys = new HashSet<string>(StringComparer.Ordinal);
                var operations = 1; // the ledger
                void Consider(Pending p)
                {
                    if (operations + RowsOf(p.Request) > MaxOperations || keys.Contains(p.EmailKey) || (p.IdempotencyKey is { } k && keys.Contains(k)))
                    {
                        next.Add(p);
                        return;
                    }

                    batch.Add(p);
                    operations += RowsOf(p.Request);
                    keys.Add(p.EmailKey);
                    if (p.IdempotencyKey is { } key) keys.Add(key);
                }

                carried.ForEach(Consider);
                while (operations + 2 <= MaxOperations && _waiting.Reader.TryRead(out var waiting)) Consider(waiting);
                carried = next;
                await _allocator.CommitAsync(this, _eventId, batch);
            }
        }

        /// <summary>
        /// Waits for work; after <see cref="IdleLane"/> without any, leaves the allocator's map and closes, then
        /// serves whatever was written before it closed (a request that finds it closed takes a new lane).
        /// </summary>
        private async Task<bool> WaitOrRetireAsync()
        {
            using var idle = new CancellationTokenSource(IdleLane);
            try
            {
                return await _waiting.Reader.WaitToReadAsync(idle.Token);
            }
            catch (OperationCanceledException)
            {
                _allocator._lanes.TryRemove(KeyValuePair.Create(_eventId, this));
                _waiting.Writer.TryComplete();
                if (await _waiting.Reader.WaitToReadAsync()) return true;
                await ReleaseSpareCodesAsync();
                return false;
            }
        }
    }

    /// <summary>The rows a registration adds to its seat transaction (see <see cref="Plan"/>).</summary>
    private static int RowsOf(SeatRequest request) => request.Idempotency is null ? 2 : 3;

    private Task<IReadOnlyList<string>> ReserveCodesAsync(string eventId, int count) =>
        RegistrationCodes.ReserveAsync(storage, eventId, count, time.GetUtcNow(), CancellationToken.None);

    private Task ReleaseCodeAsync(string code) => RegistrationCodes.ReleaseAsync(storage, code);

    /// <summary>Commits a batch; completes every pending request with its allocation or its problem. Never throws.</summary>
    private async Task CommitAsync(Lane lane, string eventId, List<Pending> batch)
    {
        var table = storage.Table(TableNames.ForumEvents);
        var items = batch.ToList();
        try
        {
            // The event is checked before anything is written: a refused batch stores nothing. The codes are
            // reserved meanwhile (released below if the event refuses).
            var reserving = lane.TakeCodesAsync(items.Count);
            var (eventRow, ledger) = lane.Known is { } known ? (known.Event, known.Ledger) : await catalog.ReadAsync(eventId, CancellationToken.None);
            lane.Known = null;
            IReadOnlyList<string> codes;
            try
            {
                RegistrationWindow.Demand(ledger is null ? null : eventRow, time.GetUtcNow());
            }
            finally
            {
                codes = await reserving;
                for (var i = 0; i < items.Count; i++) items[i].Code = codes[i];
            }

            for (var attempt = 0; items.Count > 0; attempt++)
            {
                if (attempt >= 200) throw ProblemException.Unavailable("Seats are in heavy demand; try again shortly.");
                if (attempt > 0)
                {
                    (eventRow, ledger) = await catalog.ReadAsync(eventId, CancellationToken.None);
                    RegistrationWindow.Demand(ledger is null ? null : eventRow, time.GetUtcNow());
                }

                var limit = eventRow!.WaitlistLimit ?? ForumEvent.DefaultWaitlistLimit(ledger!.Capacity);
                var (actions, allocations) = Plan(eventId, ledger!, items, limit, time.GetUtcNow());
                if (await RefuseBeyondWaitlistAsync(items, allocations))
                {
                    // Once the waitlist is full it stays full within a batch: re-planned without the refused, none is refused.
                    if (items.Count == 0) return;
                    (actions, allocations) = Plan(eventId, ledger!, items, limit, time.GetUtcNow());
                }
                lane.ReserveAhead();

                try
                {
                    var response = await table.SubmitTransactionAsync(actions, CancellationToken.None);
                    if (response.Value[0].Headers.ETag is { } written)
                    {
                        ledger!.ETag = written;
                        lane.Known = (eventRow!, ledger);
                    }
                }
                catch (TableTransactionFailedException ex) when (ex.Status == 412)
                {
                    // Another process (or a cancel, promotion or capacity change) moved the ledger: re-read.
                    await Task.Delay(Random.Shared.Next(1, 5 + Math.Min(attempt, 20) * 2));
                    continue;
                }
                catch (TableTransactionFailedException ex) when (ex.Status == 409)
                {
                    var culprit = await FindConflictAsync(table, actions, items, ex.FailedTransactionActionIndex);
                    if (culprit is null)
                    {
                        logger.LogWarning("A seat transaction for {EventId} conflicted on an unknown row; retrying", eventId);
                        continue;
                    }

                    items.Remove(culprit.Value.Pending);
                    await RegistrationCodes.ReleaseAsync(storage, culprit.Value.Pending.Code);
                    culprit.Value.Pending.Result.TrySetException(culprit.Value.Error);
                    continue;
                }

                for (var i = 0; i < items.Count; i++) items[i].Result.TrySetResult(allocations[i]! with { Event = eventRow });
                catalog.Forget(eventId);
                PublishHoldExpiries(eventId, items);

                // Holds are announced by their confirmation link (RegistrationHolds), not by a confirmed/waitlisted notice.
                // The message is not awaited: the lane goes on with the next batch while the message is sent. A send that fails is
                // logged, and the PendingNotice marks this transaction wrote make the sweeper send it again.
                var announced = items.Select((p, i) => (p, i)).Where(x => x.p.Request.Hold is null).Select(x => new ChangedRegistration(
                    allocations[x.i]!.Status == RegistrationStatus.Confirmed ? RegistrationChangeKind.Confirmed : RegistrationChangeKind.Waitlisted,
                    x.p.Code, allocations[x.i]!.WaitlistPosition)).ToList();
                // Sent even with only holds in the batch (no notice): its handler refreshes the catalogue's seat counts.
                _ = changes.PublishAfterCommitAsync(new RegistrationChange(eventId, announced));
                return;
            }
        }
        catch (Exception ex)
        {
            if (ex is ProblemException)
            {
                // Refused for certain, nothing of theirs committed: free the reserved codes. After any other failure
                // the transaction may have committed, so reservations stay (an orphan only reads as 404).
                foreach (var pending in items.Where(p => p.Code.Length > 0)) await RegistrationCodes.ReleaseAsync(storage, pending.Code);
            }
            else
            {
                logger.LogError(ex, "Seat allocation for {EventId} failed", eventId);
            }

            foreach (var pending in items) pending.Result.TrySetException(ex);
        }
    }

    /// <summary>
    /// One delayed HoldExpired message for the batch's holds (instead of one per hold), visible a second after the
    /// last of them expires. Not awaited, as the batch's announcement: a lost one is covered by the sweep, which
    /// releases holds a minute past their time (<see cref="RegistrationHolds.SweepExpiredAsync"/>).
    /// </summary>
    private void PublishHoldExpiries(string eventId, List<Pending> items)
    {
        var holds = items.Where(p => p.Request.Hold is not null).ToList();
        if (holds.Count == 0) return;
        var delay = holds.Max(p => p.Request.Hold!.ExpiresAt) - time.GetUtcNow() + TimeSpan.FromSeconds(1);
        _ = changes.PublishAfterCommitAsync(new RegistrationChange(eventId, [.. holds.Select(p => new ChangedRegistration(RegistrationChangeKind.HoldExpired, p.Code))]), delay);
    }

    /// <summary>In arrival order: a seat while seats are left, else the next waitlist place.</summary>
    private static (List<TableTransactionAction> Actions, List<Allocation?> Allocations) Plan(string eventId, SeatLedgerRow ledger, List<Pending> items, int waitlistLimit, DateTimeOffset now)
    {
        var actions = new List<TableTransactionAction>();
        var allocations = new List<Allocation?>();
        var (confirmedBefore, waitlistedBefore, nextBefore, versionBefore) = (ledger.Confirmed, ledger.Waitlisted, ledger.NextWaitlistNumber, ledger.Version);
        var waitlist = WaitlistMap.Of(ledger);
        ledger.Version++;
        foreach (var pending in items)
        {
            var request = pending.Request;
            var confirmed = ledger.Confirmed < ledger.Capacity;
            if (!confirmed && ledger.Waitlisted >= waitlistLimit)
            {
                allocations.Add(null); // past the waitlist cap: refused, nothing of it written
                continue;
            }

            Allocation allocation;
            long waitlistNumber = 0;
            if (confirmed)
            {
                ledger.Confirmed++;
                allocation = new Allocation(pending.Code, RegistrationStatus.Confirmed, null);
            }
            else
            {
                if (!waitlist.CanAdd(ledger.NextWaitlistNumber)) throw ProblemException.Conflict("The waitlist is full.", "This event's waitlist takes no more registrations.");
                ledger.Waitlisted++;
                waitlistNumber = ledger.NextWaitlistNumber++;
                waitlist.Add(waitlistNumber);
                allocation = new Allocation(pending.Code, RegistrationStatus.Waitlisted, ledger.Waitlisted);
            }

            allocations.Add(allocation);
            if (request.Idempotency is { } idempotency)
            {
                // First among the request's rows, so a replayed key is reported as such rather than as a duplicate email.
                idempotency.Code = pending.Code;
                idempotency.Status = StoredEnum.Write(allocation.Status);
                idempotency.WaitlistPosition = allocation.WaitlistPosition;
                idempotency.CreatedAt = now;
                actions.Add(new TableTransactionAction(TableTransactionActionType.Add, idempotency));
            }

            var a = request.Attendee;
            actions.Add(new TableTransactionAction(TableTransactionActionType.Add, new RegistrationRow
            {
                PartitionKey = eventId,
                RowKey = pending.RegistrationKey,
                Code = pending.Code,
                Name = a.Name,
                Email = a.Email,
                Organization = a.Organization,
                Country = a.Country,
                Role = a.Role,
                PartnerId = a.PartnerId,
                Status = StoredEnum.Write(allocation.Status),
                WaitlistNumber = waitlistNumber,
                RegisteredAt = now,
                ConfirmedAt = confirmed ? now : null,
                ManageTokenHash = request.ManageTokenHash,
                CheckInSecret = CheckInSecrets.New(),
                Language = a.Language is { } language ? ApiEnum.Name(language) : null,
                PrivacyNoticeVersion = a.PrivacyNoticeVersion,
                PendingNotice = request.Hold is null ? StoredEnum.Write(confirmed ? RegistrationChangeKind.Confirmed : RegistrationChangeKind.Waitlisted) : null,
                PendingSince = request.Hold is null ? now : null,
            }.WithHold(request.Hold, allocation.Status)));
            actions.Add(new TableTransactionAction(TableTransactionActionType.Add,
                new EmailGuardRow { PartitionKey = eventId, RowKey = pending.EmailKey, Code = pending.Code }));
        }

        if (allocations.Contains(null))
        {
            // The caller drops the refused and plans again; leave the ledger as it was read (the waitlist map is
            // written back only below, so it is untouched too).
            (ledger.Confirmed, ledger.Waitlisted, ledger.NextWaitlistNumber, ledger.Version) = (confirmedBefore, waitlistedBefore, nextBefore, versionBefore);
            return (actions, allocations);
        }

        waitlist.WriteTo(ledger);
        actions.Insert(0, new TableTransactionAction(TableTransactionActionType.UpdateReplace, ledger, ledger.ETag));
        if (actions.Count > MaxOperations) throw new InvalidOperationException($"A seat transaction of {actions.Count} operations exceeds {MaxOperations}.");
        return (actions, allocations);
    }

    /// <summary>Completes the requests the plan refused (waitlist full) and drops them from the batch; true when any were.</summary>
    private async Task<bool> RefuseBeyondWaitlistAsync(List<Pending> items, List<Allocation?> allocations)
    {
        var refused = items.Where((_, i) => allocations[i] is null).ToList();
        foreach (var pending in refused)
        {
            items.Remove(pending);
            await RegistrationCodes.ReleaseAsync(storage, pending.Code);
            pending.Result.TrySetException(WaitlistFull());
        }

        return refused.Count > 0;
    }

    public static ProblemException WaitlistFull() =>
        ProblemException.Conflict("The waitlist is full.", "Every seat is taken and the waitlist of this event has reached its limit; no more registrations are taken.");

    /// <summary>Which request's row already exists: from the failed action's index, else by looking.</summary>
    private static async Task<(Pending Pending, Exception Error)?> FindConflictAsync(TableClient table, List<TableTransactionAction> actions, List<Pending> items, int? failedIndex)
    {
        if (failedIndex is int index && index > 0 && index < actions.Count)
        {
            var rowKey = actions[index].Entity.RowKey;
            var owner = items.FirstOrDefault(p => p.EmailKey == rowKey || p.IdempotencyKey == rowKey || p.RegistrationKey == rowKey);
            if (owner is not null) return (owner, ErrorFor(owner, rowKey));
        }

        foreach (var pending in items)
        {
            foreach (var rowKey in new[] { pending.IdempotencyKey, pending.EmailKey, pending.RegistrationKey })
            {
                if (rowKey is null) continue;
                var existing = await table.GetEntityIfExistsAsync<TableEntity>(pending.Request.EventId, rowKey, select: ["RowKey"]);
                if (existing.HasValue) return (pending, ErrorFor(pending, rowKey));
            }
        }

        return null;
    }

    private static Exception ErrorFor(Pending pending, string rowKey) =>
        rowKey == pending.IdempotencyKey ? new IdempotencyKeyTakenException()
        : rowKey == pending.EmailKey ? DuplicateEmail()
        : ProblemException.Unavailable("A registration code collided; try again.");

    public static ProblemException DuplicateEmail() => new DuplicateEmailProblem();
}

/// <summary>The email guard of the event already has this address (told apart from other 409s: the anonymous path answers it like a new address).</summary>
public sealed class DuplicateEmailProblem() : ProblemException(409, "Already registered.", "This email address is already registered for this event.")
{
}
