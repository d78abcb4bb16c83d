namespace ForumCloud.Functions.Filings;

/// <summary>Whether the applicant's contact has proven the address by the emailed link.</summary>
public enum ApplicantStatus
{
    PendingVerification,
    Active,
}

/// <summary>Staff's one check of the enterprise itself (its business licence, outside the system).</summary>
public enum EnterpriseVerification
{
    Unchecked,
    Approved,
    Rejected,
}

/// <summary>POST /api/applicants: the domestic enterprise that must register the contract, and its contact.</summary>
public sealed record ApplicantCreate(string? Name, string? Uscc, string? ContactEmail, string? ContactName, string? PrivacyNoticeVersion = null) : PartlyReadable;

/// <summary>POST /api/staff/applicants/{applicantId}/verification.</summary>
public sealed record EnterpriseDecisionRequest(StaffDecisionKind? Decision, string? Note) : PartlyReadable;

/// <summary>
/// A filing applicant as stored (tokens only as hashes). The access token is "{applicantId}.{secret}", so that
/// POST /api/filings, which has no applicant in its route, can find the one row to check it against.
/// </summary>
public sealed record Applicant(
    string ApplicantId,
    string Name,
    string Uscc,
    string ContactEmail,
    string ContactName,
    DateTimeOffset CreatedAt,
    ApplicantStatus Status,
    string VerificationTokenHash,
    DateTimeOffset VerificationExpiresAt,
    string? AccessTokenHash,
    DateTimeOffset? VerifiedAt,
    EnterpriseVerification Enterprise,
    string? EnterpriseNote,
    string? EnterpriseDecidedBy,
    DateTimeOffset? EnterpriseDecidedAt)
{
    /// <summary>The privacy notice the contact accepted when the applicant registered.</summary>
    public string? PrivacyNoticeVersion { get; init; }

    /// <summary>When the contact's name and address were erased at the applicant's request; its filings are kept (official records).</summary>
    public DateTimeOffset? ContactErasedAt { get; init; }
}

public sealed record ApplicantPending(string ApplicantId, ApplicantStatus Status);

/// <summary>The answer to a verification: the only time the access token is shown.</summary>
public sealed record ApplicantVerified(string ApplicantId, string AccessToken);

public sealed record ApplicantView(
    string ApplicantId,
    string Name,
    string Uscc,
    string ContactEmail,
    string ContactName,
    DateTimeOffset CreatedAt,
    ApplicantStatus Status,
    DateTimeOffset? VerifiedAt,
    EnterpriseVerification Enterprise,
    string? EnterpriseNote,
    string? EnterpriseDecidedBy,
    DateTimeOffset? EnterpriseDecidedAt,
    string? PrivacyNoticeVersion = null,
    DateTimeOffset? ContactErasedAt = null)
{
    /// <summary>The applicant's own view leaves out which staff member checked the enterprise; staff see it.</summary>
    public static ApplicantView Of(Applicant a, bool forStaff = true) => new(a.ApplicantId, a.Name, a.Uscc, a.ContactEmail, a.ContactName, a.CreatedAt, a.Status, a.VerifiedAt,
        a.Enterprise, a.EnterpriseNote, forStaff ? a.EnterpriseDecidedBy : null, a.EnterpriseDecidedAt, a.PrivacyNoticeVersion, a.ContactErasedAt);
}
