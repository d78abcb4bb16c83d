using Microsoft.Extensions.Logging;

namespace ForumCloud.Functions.Filings;

/// <summary>
/// The queue step: submitted → screening → awaiting-registration | review-required (registered only when
/// <see cref="AutoRegistration"/> applies). Idempotent: a
/// filing past screening is left alone, every write is guarded by the record's ETag (a lost race
/// re-reads and decides again), and the certificate number comes from <see cref="CertificateCounter"/>,
/// which gives a filing that asks twice the same number.
/// </summary>
public sealed class FilingProcessor(
    FilingStore store,
    IFilingScreening screening,
    CertificateCounter counter,
    FilingDeadlines deadlines,
    AutoRegistration autoRegistration,
    TimeProvider clock,
    ILogger<FilingProcessor> logger)
{
    public const string Actor = "filing-processor";
    private const int MaxErrorLength = 500;

    /// <summary>
    /// Processes a filing from a queue message. With the copy its submission stored, no read is needed: the outcome
    /// is written under the ETag of that copy, so it lands only if the record is still exactly as submitted.
    /// Otherwise (or when the ETag has moved on: a failed try, a redelivery) the record is read and decided again.
    /// </summary>
    public async Task ProcessAsync(string filingId, SubmittedFiling? copy, CancellationToken cancellationToken)
    {
        if (copy is not null && copy.FilingId == filingId && await TryProcessCopyAsync(copy, cancellationToken)) return;
        await ProcessAsync(filingId, cancellationToken);
    }

    public async Task ProcessAsync(string filingId, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var record = await store.FindAsync(filingId, cancellationToken);
            if (record is null)
            {
                // A submission that was rolled back after enqueuing; nothing to do.
                logger.LogWarning("Filing {FilingId} from the queue does not exist", filingId);
                return;
            }

            if (!record.AwaitsProcessing) return; // a redelivered message: already decided

            // "screening" is written together with the outcome (one write per message, not two); it is
            // the visible status only of a filing whose processing failed and is being retried.
            var history = new List<FilingHistoryEntry>();
            if (record.Status == FilingStatus.Submitted) history.Add(ScreeningEntry(clock.GetUtcNow(), null));

            // The stored record passed validation at submission; one that no longer does is corrupt.
            FilingValidation.Validate(FilingValidation.RequestOf(record.Details), BeijingTime.DateOf(record.SubmittedAt));

            var outcome = await DecideAsync(filingId, record.Details.Direction, record.Details.Technology, record.SubmittedAt, record.ApplicantId, cancellationToken);
            outcome.ApplyTo(record);
            record.LastError = null;
            history.Add(new FilingHistoryEntry(clock.GetUtcNow(), record.Status, Actor, outcome.Note));
            if (await store.TrySaveAsync(record, history, cancellationToken))
            {
                logger.LogInformation("Filing {FilingId} processed: {Status}", filingId, record.Status);
                return;
            }
        }

        throw new InvalidOperationException($"Filing {filingId} kept changing while it was processed.");
    }

    /// <summary>
    /// Screening is advice: no certificate without a staff decision (issue 12). A free technology awaits registration by
    /// staff within 3 working days, unless <see cref="AutoRegistration"/> applies (then the certificate number, the same
    /// one if asked again); a restricted one awaits review; a prohibited match awaits review flagged likely prohibited
    /// (staff reject it with the item as the reason).
    /// </summary>
    private async Task<FilingOutcome> DecideAsync(string filingId, FilingDirection direction, TechnologyDetails technology, DateTimeOffset submittedAt, string? applicantId, CancellationToken cancellationToken)
    {
        var result = screening.Screen(direction, technology);
        switch (result.Control)
        {
            case TechnologyControl.Free when !await autoRegistration.AppliesToAsync(applicantId, cancellationToken):
                var (awaitBy, awaitNote) = deadlines.ForRegistration(submittedAt);
                return new FilingOutcome(FilingStatus.AwaitingRegistration, result, null, awaitBy, awaitNote, "No catalogue item matched: awaiting registration by commission staff.");
            case TechnologyControl.Free:
                var number = await counter.AssignAsync(filingId, direction, cancellationToken);
                var (dueBy, dueNote) = deadlines.ForRegistration(submittedAt);
                return new FilingOutcome(FilingStatus.Registered, result, number, dueBy, dueNote, $"No catalogue item matched: contract registered, certificate {number}.");
            case TechnologyControl.Restricted:
                var (reviewBy, reviewNote) = deadlines.ForReview(submittedAt, direction);
                return new FilingOutcome(FilingStatus.ReviewRequired, result, null, reviewBy, reviewNote,
                    "Matches restricted catalogue item(s) " + Describe(result, TechnologyControl.Restricted) + ": staff review required.");
            default:
                var (prohibitedBy, prohibitedNote) = deadlines.ForReview(submittedAt, direction);
                return new FilingOutcome(FilingStatus.ReviewRequired, result, null, prohibitedBy, prohibitedNote,
                    "Matches prohibited catalogue item(s) " + Describe(result, TechnologyControl.Prohibited) + ": likely prohibited, staff review required.")
                {
                    LikelyProhibited = true,
                };
        }
    }

    private async Task<bool> TryProcessCopyAsync(SubmittedFiling copy, CancellationToken cancellationToken)
    {
        var outcome = await DecideAsync(copy.FilingId, copy.Direction, copy.Technology, copy.SubmittedAt, copy.ApplicantId, cancellationToken);
        var history = copy.History
            .Append(ScreeningEntry(clock.GetUtcNow(), null))
            .Append(new FilingHistoryEntry(clock.GetUtcNow(), outcome.Status, Actor, outcome.Note))
            .ToList();
        if (!await store.TryAdvanceAsync(copy.FilingId, new Azure.ETag(copy.ETag), outcome, history, cancellationToken)) return false;
        logger.LogInformation("Filing {FilingId} processed: {Status}", copy.FilingId, outcome.Status);
        return true;
    }

    /// <summary>
    /// After a failed try: the filing shows "screening" and keeps the error, which the poison handler
    /// gives as the reason if the tries run out (best effort: the failure may be storage itself).
    /// </summary>
    public async Task RecordErrorAsync(string filingId, Exception error, CancellationToken cancellationToken)
    {
        try
        {
            var reason = $"{error.GetType().Name}: {error.Message}";
            reason = reason.Length > MaxErrorLength ? reason[..MaxErrorLength] : reason;
            var entity = await store.FindEntityAsync(filingId, cancellationToken);
            if (entity is null) return;
            switch (entity.GetString("Status"))
            {
                case "submitted":
                    await store.TryPatchAsync(entity, new Dictionary<string, object?> { ["Status"] = ApiEnum.Name(FilingStatus.Screening), ["LastError"] = reason },
                        ScreeningEntry(clock.GetUtcNow(), "A processing try failed; retrying."), cancellationToken);
                    break;
                case "screening":
                    await store.TrySetLastErrorAsync(entity, reason, cancellationToken);
                    break;
            }
        }
        catch (Exception ex)
        {
            logger.LogWarning("Could not record the processing error of filing {FilingId}: {Error}", filingId, ex.GetType().Name);
        }
    }

    /// <summary>
    /// The poison step, after the last try failed: processing-failed with the last error as reason, for
    /// staff. Works on the raw entity, so that a record too corrupt to read is still marked. A filing that
    /// already holds a certificate number (it failed after the number was taken) is completed as
    /// registered instead, so that the number is not lost. Idempotent.
    /// </summary>
    public async Task MarkFailedAsync(string filingId, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var entity = await store.FindEntityAsync(filingId, cancellationToken);
            if (entity is null) return;
            var status = entity.GetString("Status");
            if (status is not ("submitted" or "screening")) return;

            var number = await counter.FindAsync(filingId, cancellationToken);
            var changes = new Dictionary<string, object?>();
            FilingHistoryEntry entry;
            if (number is not null)
            {
                changes["Status"] = ApiEnum.Name(FilingStatus.Registered);
                changes["CertificateNumber"] = number;
                entry = new FilingHistoryEntry(clock.GetUtcNow(), FilingStatus.Registered, Actor, $"Completed after repeated failures with the certificate already assigned: {number}.");
            }
            else
            {
                var reason = entity.GetString("LastError") is { Length: > 0 } lastError
                    ? $"Processing failed 5 times; last error: {lastError}"
                    : "Processing failed 5 times; the message was moved to the poison queue.";
                changes["Status"] = ApiEnum.Name(FilingStatus.ProcessingFailed);
                changes["FailureReason"] = reason;
                entry = new FilingHistoryEntry(clock.GetUtcNow(), FilingStatus.ProcessingFailed, Actor, reason);
            }

            if (await store.TryPatchAsync(entity, changes, entry, cancellationToken))
            {
                logger.LogWarning("Filing {FilingId} came from the poison queue: {Status}", filingId, changes["Status"]);
                return;
            }
        }

        throw new InvalidOperationException($"Filing {filingId} kept changing while it was marked failed.");
    }

    private static FilingHistoryEntry ScreeningEntry(DateTimeOffset at, string? note) =>
        new(at, FilingStatus.Screening, Actor, "Validating and screening against the technology catalogue excerpt." + (note is null ? "" : " " + note));

    private static string Describe(ScreeningResult result, TechnologyControl control) =>
        string.Join("; ", result.Matches.Where(m => m.Control == control).Select(m => $"{m.ItemId} {m.Name}"));
}
