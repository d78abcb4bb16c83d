using ForumCloud.Functions.Privacy;

namespace ForumCloud.Functions.Events;

/// <summary>The body of POST /api/partners/{partnerId}/delegations.</summary>
/// <remarks>
/// <c>privacyNoticeVersion</c> is given once for the call: the partner's office confirms that every attendee it registers
/// was given that notice (it applies to each attendee; one sent inside an attendee is overridden).
/// </remarks>
public sealed record DelegationRequest(string? EventId, IReadOnlyList<RegistrationRequest?>? Attendees, string? PrivacyNoticeVersion = null) : PartlyReadable;

/// <summary>One attendee's outcome, by its index in the request: a registration, or the problem that kept it out.</summary>
public sealed record DelegationResult(int Index, string? Code, string? ManageToken, RegistrationStatus? Status, int? WaitlistPosition, DelegationProblem? Problem);

public sealed record DelegationProblem(int Status, string Title, string? Detail, IReadOnlyDictionary<string, string[]>? Errors);

/// <summary>The 200 answer: every attendee's result in request order.</summary>
public sealed record DelegationReceipt(string EventId, string PartnerId, int Registered, int Refused, IReadOnlyList<DelegationResult> Attendees);

/// <summary>
/// A verified partner registers a delegation (up to <see cref="MaxAttendees"/> people) in one call. Per attendee, not
/// all-or-nothing: an invalid or refused attendee is reported by its index and nothing of it is stored, the others go
/// in. The valid ones are enqueued on the event's seat lane in request order before any is awaited, so they are
/// confirmed, then waitlisted, in that order (in seat transactions of up to 30). One Idempotency-Key covers the call:
/// each attendee's idempotency record is keyed by the call's key and its index, so a retry answers every attendee as
/// the first time.
/// </summary>
public sealed class Delegations(RegistrationDesk desk, SeatAllocator allocator, EventCatalog catalog, RegisteringPartners partners, PrivacyNotices notices, TimeProvider time)
{
    public const int MaxAttendees = 50;

    public async Task<(DelegationReceipt Receipt, bool Replayed)> RegisterAsync(string partnerId, DelegationRequest body, string? idempotencyKeyHeader, string? accessToken, CancellationToken cancellationToken)
    {
        var errors = FieldErrors.For(body);
        var eventId = errors.Text("eventId", body.EventId, 64);
        if (eventId.Length > 0 && !RouteIds.EventSlug.IsValid(eventId)) errors.Add("eventId", "Lower-case letters, digits and single hyphens, 3-64 characters.");
        if (body.Attendees is not { Count: > 0 and <= MaxAttendees }) errors.Add("attendees", $"1 to {MaxAttendees} attendees.");
        var accepted = notices.Accept(errors, body.PrivacyNoticeVersion);
        errors.ThrowIfAny();
        var key = Attendee.IdempotencyKey(idempotencyKeyHeader);
        await partners.DemandAsync(partnerId, accessToken, cancellationToken);

        var attendees = body.Attendees!;
        var results = new DelegationResult?[attendees.Count];
        var valid = new List<(int Index, Attendee Attendee, string? Key, string Fingerprint)>();
        for (var i = 0; i < attendees.Count; i++)
        {
            try
            {
                var attendee = Attendee.From(Own(attendees[i], partnerId, accepted), notices);
                valid.Add((i, attendee, key is null ? null : key + "#" + i, attendee.Fingerprint(eventId)));
            }
            catch (ProblemException problem)
            {
                results[i] = Refused(i, problem);
            }
        }

        // A retry is answered before anything else, even when the window has closed since the first call.
        var replayed = 0;
        if (key is not null)
        {
            var earlier = await Task.WhenAll(valid.Select(v => ReplayOrProblemAsync(eventId, v.Index, v.Key!, v.Fingerprint, cancellationToken)));
            foreach (var result in earlier.OfType<DelegationResult>())
            {
                results[result.Index] = result;
                if (result.Problem is null) replayed++;
            }

            valid.RemoveAll(v => results[v.Index] is not null);
        }

        if (valid.Count > 0)
        {
            // The whole call is refused (404/409, nothing stored) when the event takes no registrations at all.
            var (eventRow, ledger) = await catalog.ReadAsync(eventId, cancellationToken);
            RegistrationWindow.Demand(ledger is null ? null : eventRow, time.GetUtcNow());

            // Enqueued in order before any is awaited: the lane sees them in request order.
            await allocator.OpenLaneAsync(eventId);
            var seats = valid.Select(v =>
            {
                var (request, token) = desk.SeatRequestFor(eventId, v.Attendee, v.Key, v.Fingerprint);
                return (v, Seat: allocator.AllocateAsync(request), token);
            }).ToList();
            foreach (var (v, seat, token) in seats)
            {
                try
                {
                    var receipt = (await desk.AwaitSeatAsync(eventId, seat, token, v.Key, v.Fingerprint, cancellationToken)).Receipt!;
                    results[v.Index] = new DelegationResult(v.Index, receipt.Code, receipt.ManageToken, receipt.Status, receipt.WaitlistPosition, null);
                }
                catch (ProblemException problem)
                {
                    results[v.Index] = Refused(v.Index, problem);
                }
            }
        }

        var all = results.Select(r => r!).ToList();
        var registered = all.Count(r => r.Problem is null);
        return (new DelegationReceipt(eventId, partnerId, registered, all.Count - registered, all), replayed > 0 && replayed == registered);
    }

    /// <summary>Every attendee is registered in the route's partner's name; another partnerId in the body is a field error.</summary>
    private static RegistrationRequest Own(RegistrationRequest? attendee, string partnerId, string acceptedNotice)
    {
        if (attendee is null) throw ProblemException.Validation(new Dictionary<string, string[]> { ["attendee"] = ["Required."] });
        if (attendee.PartnerId is { Length: > 0 } other && other.Trim() != partnerId)
        {
            throw ProblemException.Validation(new Dictionary<string, string[]> { ["partnerId"] = ["Must be the partner of the route, or left out."] });
        }

        return attendee with { PartnerId = partnerId, PrivacyNoticeVersion = acceptedNotice };
    }

    private async Task<DelegationResult?> ReplayOrProblemAsync(string eventId, int index, string key, string fingerprint, CancellationToken cancellationToken)
    {
        try
        {
            return await desk.ReplayAsync(eventId, key, fingerprint, cancellationToken) is { } r
                ? new DelegationResult(index, r.Code, r.ManageToken, r.Status, r.WaitlistPosition, null)
                : null;
        }
        catch (ProblemException problem)
        {
            return Refused(index, problem);
        }
    }

    private static DelegationResult Refused(int index, ProblemException problem) =>
        new(index, null, null, null, null, new DelegationProblem(problem.Status, problem.Title, problem.Detail, problem.Errors));
}
