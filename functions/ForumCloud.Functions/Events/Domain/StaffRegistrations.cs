using Azure.Data.Tables;

namespace ForumCloud.Functions.Events;

/// <summary>Staff work on registrations: the list (JSON pages or the whole list for CSV) and check-in.</summary>
public sealed class StaffRegistrations(StorageAccount storage, EventCatalog catalog, RegistrationChanges changes, TimeProvider time)
{
    private TableClient Table => storage.Table(TableNames.ForumEvents);

    public async Task<Page<RegistrationListItem>> ListPageAsync(string eventId, string? continuation, int pageSize, CancellationToken cancellationToken)
    {
        await RequireEventAsync(eventId, cancellationToken);
        var fingerprint = "events/registrations/" + eventId;
        var positions = await WaitlistPositionsAsync(eventId, cancellationToken);
        return await Paging.ReadAsync(Table.QueryAsync<RegistrationRow>(RegistrationsFilter(eventId), maxPerPage: pageSize, cancellationToken: cancellationToken),
            continuation, fingerprint, pageSize, r => ItemOf(r, positions), cancellationToken);
    }

    /// <summary>Every registration: confirmed first, then the waitlist in order, then cancelled; each by time.</summary>
    public async Task<IReadOnlyList<RegistrationListItem>> ListAllAsync(string eventId, CancellationToken cancellationToken)
    {
        await RequireEventAsync(eventId, cancellationToken);
        var rows = new List<RegistrationRow>();
        await foreach (var row in Table.QueryAsync<RegistrationRow>(RegistrationsFilter(eventId), cancellationToken: cancellationToken)) rows.Add(row);
        var positions = WaitlistPositions(rows);
        return rows
            .OrderBy(r => r.StatusValue).ThenBy(r => r.WaitlistNumber).ThenBy(r => r.RegisteredAt).ThenBy(r => r.Code, StringComparer.Ordinal)
            .Select(r => ItemOf(r, positions))
            .ToList();
    }

    /// <summary>
    /// Checks a confirmed attendee in once; a second check-in is a 409 that says when the first was. With
    /// <paramref name="eventId"/> (a desk at one event's door) a registration of another event is refused and
    /// left as it is. The 409s carry the attendee's name and organisation so the desk can show whom it refused.
    /// </summary>
    public async Task<CheckInReceipt> CheckInAsync(string code, string actor, CancellationToken cancellationToken, string? eventId = null)
    {
        // A 412: changed meanwhile (perhaps checked in at another desk): look again.
        return await OptimisticConcurrency.RetryAsync("The registration", async () =>
        {
            var row = await RegistrationDesk.FindAsync(storage, code, cancellationToken) ?? throw ProblemException.NotFound("No registration has that code.");
            if (eventId is not null && !string.Equals(row.PartitionKey, eventId, StringComparison.Ordinal))
            {
                throw ProblemException.Conflict("Registered for another event.", "This registration is for another event; it does not admit to this one.",
                    Attendee(row, ("eventId", row.PartitionKey)));
            }

            if (row.CheckedInAt is { } at)
            {
                var local = BeijingTime.Local(at);
                throw ProblemException.Conflict("Already checked in.", $"This registration was checked in at {local:yyyy-MM-dd'T'HH:mm:sszzz} by {row.CheckedInBy}.",
                    Attendee(row, ("checkedInAt", local), ("checkedInBy", row.CheckedInBy)));
            }

            if (row.StatusValue != RegistrationStatus.Confirmed)
            {
                throw ProblemException.Conflict("Not a confirmed registration.", $"This registration is {ApiEnum.Name(row.StatusValue)}; only confirmed attendees are checked in.",
                    Attendee(row, ("status", ApiEnum.Name(row.StatusValue))));
            }

            row.CheckedInAt = time.GetUtcNow();
            row.CheckedInBy = actor;
            await Table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken);
            await changes.PublishAfterCommitAsync(RegistrationChange.Of(row.PartitionKey, RegistrationChangeKind.CheckedIn, code));
            return new CheckInReceipt(code, row.PartitionKey, row.Name, row.Organization, BeijingTime.Local(row.CheckedInAt.Value), actor);
        }, cancellationToken, attempts: 20);
    }

    /// <summary>
    /// Check-in by the QR code's secret: a malformed secret is 400, one no mail ever showed is 404 (nothing is stored
    /// either way); a cancelled registration's code is refused with 409; otherwise as by code.
    /// </summary>
    public async Task<CheckInReceipt> CheckInBySecretAsync(string? secret, string actor, CancellationToken cancellationToken, string? eventId = null)
    {
        if (!CheckInSecrets.IsWellFormed(secret))
        {
            throw ProblemException.Validation(new Dictionary<string, string[]> { ["secret"] = ["The QR code's content: 43 characters of A-Z, a-z, 0-9, '-' and '_'."] });
        }

        var row = await CheckInSecrets.FindAsync(storage, secret!, cancellationToken) ?? throw ProblemException.NotFound("No registration has that check-in code.");
        if (row.StatusValue == RegistrationStatus.Cancelled)
        {
            throw ProblemException.Conflict("Registration cancelled.", "This registration was cancelled; its QR code no longer admits anyone.",
                Attendee(row, ("status", ApiEnum.Name(row.StatusValue))));
        }

        return await CheckInAsync(row.Code, actor, cancellationToken, eventId);
    }

    /// <summary>Who a refused scan belongs to, for the door (staff only: these answers go to staff routes).</summary>
    private static Dictionary<string, object?> Attendee(RegistrationRow row, params (string Key, object? Value)[] more)
    {
        var details = new Dictionary<string, object?> { ["code"] = row.Code, ["name"] = row.Name, ["organization"] = row.Organization };
        foreach (var (key, value) in more) details[key] = value;
        return details;
    }

    private async Task RequireEventAsync(string eventId, CancellationToken cancellationToken)
    {
        if (await catalog.ReadEventAsync(eventId, cancellationToken) is null) throw ProblemException.NotFound("No event has that id.");
    }

    private static string RegistrationsFilter(string eventId) =>
        EventKeys.RegistrationsOf(eventId);

    private async Task<Dictionary<string, int>> WaitlistPositionsAsync(string eventId, CancellationToken cancellationToken)
    {
        var rows = new List<RegistrationRow>();
        await foreach (var row in Table.QueryAsync<RegistrationRow>(RegistrationDesk.WaitlistFilter(eventId), select: ["Code", "Status", "WaitlistNumber"], cancellationToken: cancellationToken))
        {
            rows.Add(row);
        }

        return WaitlistPositions(rows);
    }

    private static Dictionary<string, int> WaitlistPositions(IEnumerable<RegistrationRow> rows) =>
        rows.Where(r => StoredEnum.Is(r.Status, RegistrationStatus.Waitlisted))
            .OrderBy(r => r.WaitlistNumber)
            .Select((r, i) => (r.Code, Position: i + 1))
            .ToDictionary(p => p.Code, p => p.Position, StringComparer.Ordinal);

    private static RegistrationListItem ItemOf(RegistrationRow r, Dictionary<string, int> positions) => new(
        r.Code, r.StatusValue, positions.TryGetValue(r.Code, out var p) ? p : null, r.Name, r.Email, r.Organization, r.Country, r.Role, r.PartnerId,
        BeijingTime.Local(r.RegisteredAt), r.CheckedInAt is { } c ? BeijingTime.Local(c) : null, r.CheckedInBy,
        StoredEnum.TryRead<RegistrationChangeKind>(r.NoticeFailed, out var failed) ? failed : null, r.NoticeFailedAt is { } f ? BeijingTime.Local(f) : null);
}
