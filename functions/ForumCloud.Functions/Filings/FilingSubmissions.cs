using ForumCloud.Functions.Platform;
using Microsoft.Extensions.Logging;

namespace ForumCloud.Functions.Filings;

/// <summary>
/// Accepts a filing: validate (400, nothing stored), claim the duplicate guard (409), store the filing
/// with its first history entry, enqueue it (with the copy processing needs, see <see cref="FilingQueue"/>). A failure to store rolls the claim back (filing
/// deleted, guard released), so the applicant can simply retry. Once the filing is stored it is
/// accepted (202) even if the enqueue fails: the filing sweeper (<see cref="FilingSweep"/>) enqueues it.
/// </summary>
public sealed class FilingSubmissions(
    FilingStore store,
    FilingKeys keys,
    FilingQueue queue,
    FilingDeadlines deadlines,
    TimeProvider clock,
    ILogger<FilingSubmissions> logger)
{
    public const string ApplicantActor = "applicant";

    public async Task<FilingAccepted> SubmitAsync(FilingSubmissionRequest request, CancellationToken cancellationToken)
    {
        var details = FilingValidation.Validate(request, ShanghaiClock.Today(clock));
        var filingId = Ids.New("fil");
        var token = Secrets.NewToken();

        if (await keys.ClaimAsync(details, filingId, cancellationToken) is not null)
        {
            throw ProblemException.Conflict("Duplicate filing.",
                "A filing with this unified social credit code, contract number and direction already exists.");
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
                Status = FilingStatus.Submitted,
                DecisionDueBy = dueBy,
                DecisionDueNote = note,
            };
            await store.CreateAsync(record, new FilingHistoryEntry(now, FilingStatus.Submitted, ApplicantActor, "Filing submitted."), cancellationToken);
        }
        catch (Exception ex)
        {
            logger.LogWarning("Submission of filing {FilingId} failed ({Error}); rolling back", filingId, ex.GetType().Name);
            await RollBackAsync(details, filingId);
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

    private async Task RollBackAsync(FilingDetails details, string filingId)
    {
        try
        {
            // Filing first, then guard: a guard briefly without its filing is the harmless direction.
            await store.DeleteAsync(filingId, CancellationToken.None);
            await keys.ReleaseAsync(details, filingId, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The guard expires (FilingKeys.StaleAfter) once its filing is gone.
            logger.LogWarning("Rollback of filing {FilingId} incomplete: {Error}", filingId, ex.GetType().Name);
        }
    }
}
