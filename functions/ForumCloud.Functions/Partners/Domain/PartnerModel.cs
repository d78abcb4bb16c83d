namespace ForumCloud.Functions.Partners;

/// <summary>What kind of organisation a partner is.</summary>
public enum PartnerType
{
    University,
    Enterprise,
    ResearchInstitute,
    GovernmentAgency,
    InternationalOrganization,
    Other,
}

/// <summary>The kinds of cooperation duty XV records with international and HK/Macao/Taiwan partners.</summary>
public enum CooperationType
{
    Mou,
    JointLaboratory,
    JointResearch,
    TechnologyTransfer,
    TalentExchange,
    ForumCoHost,
    ParkCooperation,
}

/// <summary>
/// The sixteen sub-parks of Zhongguancun ("one zone, sixteen parks"); an optional cooperation field
/// naming where in the park the cooperation lands.
/// </summary>
public enum ZgcPark
{
    Haidian,
    Changping,
    Shunyi,
    DaxingYizhuang,
    Fengtai,
    Dongcheng,
    Xicheng,
    Chaoyang,
    Shijingshan,
    Tongzhou,
    Mentougou,
    Fangshan,
    Pinggu,
    Huairou,
    Miyun,
    Yanqing,
}

/// <summary>POST /api/partners.</summary>
public sealed record PartnerCreate(string? Name, string? NameZh, string? Country, PartnerType? Type, string? Website, string? ContactEmail, string? PrivacyNoticeVersion = null) : PartlyReadable;

/// <summary>
/// Where a partner stands: registered but not yet proven to own its contact address, active (verified by
/// the emailed link), or suspended by staff.
/// </summary>
public enum PartnerStatus
{
    PendingVerification,
    Active,
    Suspended,
}

/// <summary>What an access token presented for a partner id opens.</summary>
public enum PartnerAccess
{
    /// <summary>No such partner, not yet verified, or the token is not this partner's.</summary>
    Unknown,

    /// <summary>A verified, active partner and its own token.</summary>
    Verified,

    /// <summary>The partner's own token, but staff have suspended the partner.</summary>
    Suspended,
}

/// <summary>
/// A partner as stored (tokens only as hashes). The access token does not exist until the partner is
/// verified; the verification token is kept after use so that a reused link can be told from a wrong one.
/// </summary>
public sealed record Partner(
    string PartnerId,
    string Name,
    string? NameZh,
    string Country,
    Platform.RegionCategory RegionCategory,
    PartnerType Type,
    string? Website,
    string ContactEmail,
    DateTimeOffset CreatedAt,
    string? AccessTokenHash,
    PartnerStatus Status = PartnerStatus.Active,
    string? VerificationTokenHash = null,
    DateTimeOffset? VerificationExpiresAt = null,
    DateTimeOffset? VerifiedAt = null)
{
    /// <summary>Why staff last suspended or reinstated the partner, who and when (staff views only).</summary>
    public string? StatusNote { get; init; }

    public string? StatusChangedBy { get; init; }

    public DateTimeOffset? StatusChangedAt { get; init; }

    /// <summary>The privacy notice the contact accepted (null for the demo seeds, which are the commission's own fixtures).</summary>
    public string? PrivacyNoticeVersion { get; init; }

    /// <summary>When the contact's data was erased at the partner's request (the organisation itself is not personal data and stays).</summary>
    public DateTimeOffset? ContactErasedAt { get; init; }
}

/// <summary>A partner as the API shows it.</summary>
public sealed record PartnerView(
    string PartnerId,
    string Name,
    string? NameZh,
    string Country,
    Platform.RegionCategory RegionCategory,
    PartnerType Type,
    string? Website,
    string ContactEmail,
    DateTimeOffset CreatedAt,
    PartnerStatus Status,
    DateTimeOffset? VerifiedAt,
    string? StatusNote,
    DateTimeOffset? StatusChangedAt,
    string? StatusChangedBy,
    string? PrivacyNoticeVersion = null,
    DateTimeOffset? ContactErasedAt = null)
{
    /// <summary>The partner's own view leaves out which staff member changed its status; staff see it.</summary>
    public static PartnerView Of(Partner p, bool forStaff = false) => new(p.PartnerId, p.Name, p.NameZh, p.Country, p.RegionCategory, p.Type, p.Website,
        p.ContactEmail, p.CreatedAt, p.Status, p.VerifiedAt, p.StatusNote, p.StatusChangedAt, forStaff ? p.StatusChangedBy : null,
        p.PrivacyNoticeVersion, p.ContactErasedAt);
}

/// <summary>The answer to a registration (202): the partner exists but can do nothing until its contact verifies it.</summary>
public sealed record PartnerPending(string PartnerId, PartnerStatus Status, Platform.RegionCategory RegionCategory);

/// <summary>The answer to a verification: the only time the access token is shown.</summary>
public sealed record PartnerVerified(string PartnerId, string AccessToken);

/// <summary>POST /api/staff/partners/{partnerId}/status.</summary>
public sealed record PartnerStatusChange(PartnerStatus? Status, string? Note) : PartlyReadable;
