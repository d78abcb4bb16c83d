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
public sealed record PartnerCreate(string? Name, string? NameZh, string? Country, PartnerType? Type, string? Website, string? ContactEmail);

/// <summary>A partner as stored (the access token only as its hash).</summary>
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
    string AccessTokenHash);

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
    DateTimeOffset CreatedAt)
{
    public static PartnerView Of(Partner p) => new(p.PartnerId, p.Name, p.NameZh, p.Country, p.RegionCategory, p.Type, p.Website, p.ContactEmail, p.CreatedAt);
}

/// <summary>The answer to a registration: the only time the access token is shown.</summary>
public sealed record PartnerCreated(string PartnerId, string AccessToken, Platform.RegionCategory RegionCategory);
