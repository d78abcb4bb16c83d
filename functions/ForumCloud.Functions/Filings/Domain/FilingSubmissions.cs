using Microsoft.Extensions.Logging;

namespace ForumCloud.Functions.Filings;

/// <summary>
/// Accepts a filing: validate (400, nothing stored), claim the duplicate guard (409), store the filing
/// with its first history entry, enqueue it (with the copy processing needs, see <see cref="FilingQueue"/>). A failure to store rolls the claim back (filing
/// deleted, guard released), so the applicant can simply retry. Once the filing is stored it is
/// accepted (202) even if the enqueue fails: the filing sweeper (<see cref="FilingSweep"/>) enqueues it.
/// </summary>
public sealed class FilingSubmissions(
    ApplicantRegistry applicants,
    FilingStore store,
    FilingKeys keys,
    FilingQueue queue,
    FilingDeadlines deadlines,
    TimeProvider clock,
    ILogger<FilingSubmissions> logger)
{
    public const string ApplicantActor = "applicant";

    /// <summary>
    /// A verified applicant files for its own enterprise: 403 without its token, 400 for a bad body, 422 when the
    /// domestic party's USCC is not the applicant's. Nothing is stored on any refusal.
    /// </summary>
    public async Task<FilingAccepted> SubmitAsync(FilingSubmissionRequest request, string? applicantToken, CancellationToken cancellationToken)
    {
        var applicant = await applicants.AuthenticateAsync(applicantToken, cancellationToken);
        var details = FilingValidation.Validate(request, BeijingTime.Today(clock));
        if (details.DomesticParty.Uscc != applicant.Uscc)
        {
            const string why = "The domestic party must be the applicant's own enterprise: its unified social credit code is the one the applicant registered.";
            throw new ProblemException(422, "The domestic party is not the applicant's enterprise.", why,
                new Dictionary<string, string[]> { ["domesticParty.uscc"] = [why] });
        }

        var filingId = Ids.New("fil");
        var token = Secrets.NewToken();

        if (await keys.ClaimAsync(details, applicant.ApplicantId, filingId, cancellationToken) is not null)
        {
            throw ProblemException.Conflict("Duplicate filing.",
                "This applicant already has a filing with this unified social credit code, contract number and direction (a rejected or voided one does not count).");
        }

        FilingRecord record;
        try
        {
            var now = clock.GetUtcNow();
            var (dueBy, note) = deadlines.ForRegistration(now);
            record = new FilingRecord
            {
                FilingId = filingId,
                Details = details,
                SubmittedAt = now,
                AccessTokenHash = Secrets.Hash(token),
                ApplicantId = applicant.ApplicantId,
                Status = FilingStatus.Submitted,
                DecisionDueBy = dueBy,
                DecisionDueNote = note,
            };
            await store.CreateAsync(record, new FilingHistoryEntry(now, FilingStatus.Submitted, ApplicantActor, "Filing submitted."), cancellationToken);
        }
        catch (Exception ex)
        {
            logger.LogWarning("Submission of filing {FilingId} failed ({Error}); rolling back", filingId, ex.GetType().Name);
            await RollBackAsync(details, applicant.ApplicantId, filingId);
            throw;
        }

        try
        {
            await queue.EnqueueAsync(SubmittedFiling.Of(record), cancellationToken);
        }
        catch (Exception ex) when (StorageFaults.IsOutage(ex) || ex is Azure.RequestFailedException)
        {
            logger.LogWarning("Filing {FilingId} stored but not enqueued ({Error}); the filing sweeper will enqueue it", filingId, ex.GetType().Name);
        }

        logger.LogInformation("Filing {FilingId} submitted ({Direction})", filingId, details.Direction);
        return new FilingAccepted(filingId, FilingStatus.Submitted, "/api/filings/" + filingId, token);
    }

    private async Task RollBackAsync(FilingDetails details, string applicantId, string filingId)
    {
        try
        {
            // Filing first, then guard: a guard briefly without its filing is the harmless direction.
            await store.DeleteAsync(filingId, CancellationToken.None);
            await keys.ReleaseAsync(details, applicantId, filingId, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The guard expires (FilingKeys.StaleAfter) once its filing is gone.
            logger.LogWarning("Rollback of filing {FilingId} incomplete: {Error}", filingId, ex.GetType().Name);
        }
    }
}
