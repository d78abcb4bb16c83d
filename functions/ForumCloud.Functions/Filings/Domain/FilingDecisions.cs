namespace ForumCloud.Functions.Filings;

/// <summary>
/// Staff decide awaiting-registration and review-required filings: no certificate number without this decision.
/// The decision is written to the record first (under its ETag), so a second, different decision is refused
/// (409) even while an approval is still taking its certificate number; an approval interrupted half-way is
/// completed by repeating it. A rejection gives the duplicate guard back.
/// </summary>
public sealed class FilingDecisions(FilingStore store, CertificateCounter counter, FilingKeys keys, TimeProvider clock)
{
    public async Task<FilingRecord> DecideAsync(string filingId, StaffDecisionRequest request, StaffActor actor, CancellationToken cancellationToken)
    {
        var errors = FieldErrors.For(request);
        var decision = errors.Enum("decision", request.Decision);
        var note = errors.OptionalText("note", request.Note, 2000, multiline: true);
        if (decision == StaffDecisionKind.Reject && request.Decision is not null && note is null) errors.Add("note", "A rejection needs a note giving the reason.");
        errors.ThrowIfAny();

        for (var attempt = 0; attempt < 20; attempt++)
        {
            var record = await store.FindAsync(filingId, cancellationToken) ?? throw ProblemException.NotFound("No filing has that id.");
            if (record.Status is not (FilingStatus.ReviewRequired or FilingStatus.AwaitingRegistration) || (record.StaffDecision is { } made && (made != decision || decision == StaffDecisionKind.Reject)))
            {
                throw ProblemException.Conflict("The filing is not awaiting a decision.",
                    $"Only awaiting-registration and review-required filings are decided, once; this one is {ApiEnum.Name(record.Status)}" +
                    (record.StaffDecision is { } d ? $" with the decision '{ApiEnum.Name(d)}' recorded." : "."));
            }

            if (decision == StaffDecisionKind.Reject)
            {
                record.StaffDecision = StaffDecisionKind.Reject;
                record.StaffDecisionNote = note;
                record.StaffDecisionBy = actor.Name;
                record.Status = FilingStatus.Rejected;
                if (!await store.TrySaveAsync(record, [new FilingHistoryEntry(clock.GetUtcNow(), FilingStatus.Rejected, actor.Name, note)], cancellationToken)) continue;
                // After the save: a lost release is harmless, the claim treats a rejected holder as released.
                await keys.ReleaseAsync(record.Details, record.ApplicantId, filingId, cancellationToken);
                return record;
            }

            if (record.StaffDecision is null)
            {
                record.StaffDecision = StaffDecisionKind.Approve;
                record.StaffDecisionNote = note;
                record.StaffDecisionBy = actor.Name;
                if (!await store.TrySaveAsync(record, [], cancellationToken)) continue;
            }

            record.CertificateNumber = await counter.AssignAsync(filingId, record.Details.Direction, cancellationToken);
            record.Status = FilingStatus.Registered;
            var entry = new FilingHistoryEntry(clock.GetUtcNow(), FilingStatus.Registered, record.StaffDecisionBy ?? actor.Name,
                $"Approved by commission staff; certificate {record.CertificateNumber}." + (record.StaffDecisionNote is { } n ? " " + n : ""));
            if (await store.TrySaveAsync(record, [entry], cancellationToken)) return record;
        }

        throw new InvalidOperationException($"Filing {filingId} kept changing while it was decided.");
    }
}
