namespace ForumCloud.Functions.Filings;

/// <summary>
/// What an applicant (with the access token) and staff see of a filing. Applicants see their screening outcome and
/// the catalogue items behind it, not the matched keyword list (which would teach how to word around the screen),
/// and history shows roles ("commission staff"), not staff members' names.
/// </summary>
public sealed class FilingViews(FilingStore store)
{
    public const string StaffRole = "commission staff";
    public const string ScreeningRole = "screening";

    /// <summary>The filing if the token opens it; 404 for a wrong or missing token as for a missing filing.</summary>
    public async Task<FilingView> ForApplicantAsync(string filingId, string? accessToken, CancellationToken cancellationToken)
    {
        var found = await store.FindWithHistoryAsync(filingId, cancellationToken);
        if (found is not { } f || !Secrets.Matches(accessToken, f.Record.AccessTokenHash)) throw ProblemException.NotFound("No filing has that id, or the access token does not open it.");
        return ForApplicant(ViewOf(f.Record, f.History));
    }

    public async Task<FilingView> ForStaffAsync(string filingId, CancellationToken cancellationToken)
    {
        var found = await store.FindWithHistoryAsync(filingId, cancellationToken) ?? throw ProblemException.NotFound("No filing has that id.");
        return ViewOf(found.Record, found.History);
    }

    public static FilingView ViewOf(FilingRecord r, IReadOnlyList<FilingHistoryEntry> history) => new(
        r.FilingId, r.Status, r.DecisionDueBy, r.DecisionDueNote, r.CertificateNumber, r.Screening, r.FailureReason, r.SubmittedAt, r.Details, history)
    {
        ApplicantId = r.ApplicantId,
        LikelyProhibited = r.LikelyProhibited,
        VoidReason = r.VoidReason,
        VoidedAt = r.VoidedAt,
    };

    /// <summary>What an applicant reads when processing failed: the error itself (an exception's text) is for staff only.</summary>
    public const string ApplicantFailureReason = "Processing failed; commission staff have been told and will finish the filing.";

    public static FilingView ForApplicant(FilingView view) => view with
    {
        Screening = view.Screening is { } s ? s with { Matches = s.Matches.Select(m => m with { MatchedTerms = null }).ToList() } : null,
        FailureReason = view.FailureReason is null ? null : ApplicantFailureReason,
        History = view.History.Select(h => h with
        {
            Actor = RoleOf(h.Actor),
            Note = h.Status == FilingStatus.ProcessingFailed ? ApplicantFailureReason : h.Note,
        }).ToList(),
    };

    private static string RoleOf(string actor) => actor switch
    {
        FilingSubmissions.ApplicantActor => FilingSubmissions.ApplicantActor,
        FilingProcessor.Actor => ScreeningRole,
        _ => StaffRole,
    };
}
