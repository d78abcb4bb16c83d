using ForumCloud.Functions.Platform;

namespace ForumCloud.Functions.Filings;

/// <summary>What an applicant (with the access token) and staff see of a filing.</summary>
public sealed class FilingViews(FilingStore store)
{
    /// <summary>The filing if the token opens it; 404 for a wrong or missing token as for a missing filing.</summary>
    public async Task<FilingView> ForApplicantAsync(string filingId, string? accessToken, CancellationToken cancellationToken)
    {
        var found = await store.FindWithHistoryAsync(filingId, cancellationToken);
        if (found is not { } f || !Secrets.Matches(accessToken, f.Record.AccessTokenHash)) throw ProblemException.NotFound("No filing has that id, or the access token does not open it.");
        return ViewOf(f.Record, f.History);
    }

    public async Task<FilingView> ForStaffAsync(string filingId, CancellationToken cancellationToken)
    {
        var found = await store.FindWithHistoryAsync(filingId, cancellationToken) ?? throw ProblemException.NotFound("No filing has that id.");
        return ViewOf(found.Record, found.History);
    }

    public static FilingView ViewOf(FilingRecord r, IReadOnlyList<FilingHistoryEntry> history) => new(
        r.FilingId, r.Status, r.DecisionDueBy, r.DecisionDueNote, r.CertificateNumber, r.Screening, r.FailureReason, r.SubmittedAt, r.Details, history);
}
