using Azure;
using Azure.Data.Tables;
using ForumCloud.Functions.Platform;

namespace ForumCloud.Functions.Partners;

/// <summary>
/// Registers partner organisations and opens them with their access token. One entity per partner
/// (PartitionKey = partnerId); the token is stored only as its hash.
/// </summary>
public sealed class PartnerRegistry(StorageAccount storage, TimeProvider clock)
{
    public static readonly IdKind PartnerIds = RouteIds.Generated("par", "partner");
    private const string PartnerRow = "partner";

    private TableClient Table => storage.Table(TableNames.Partners);

    public async Task<PartnerCreated> RegisterAsync(PartnerCreate request, CancellationToken cancellationToken)
    {
        var (partner, token) = Validate(request, clock.GetUtcNow());
        await Table.AddEntityAsync(ToEntity(partner), cancellationToken);
        return new PartnerCreated(partner.PartnerId, token, partner.RegionCategory);
    }

    /// <summary>Inserts a partner unless one with its id exists (demo seeds); true when this call wrote it.</summary>
    public async Task<bool> AddIfAbsentAsync(Partner partner, CancellationToken cancellationToken)
    {
        try
        {
            await Table.AddEntityAsync(ToEntity(partner), cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    /// <summary>Checks a registration body; 400 with every field error, 422 for a mainland (CN) partner.</summary>
    public static (Partner Partner, string AccessToken) Validate(PartnerCreate request, DateTimeOffset now)
    {
        var errors = new FieldErrors();
        var name = errors.Text("name", request.Name, 200);
        var nameZh = errors.OptionalText("nameZh", request.NameZh, 100);
        var country = errors.Country("country", request.Country);
        var type = errors.Enum("type", request.Type);
        var website = Website(errors, request.Website);
        var email = errors.Email("contactEmail", request.ContactEmail);
        var category = Countries.CategoryOf(country);
        var mainland = category == RegionCategory.Mainland;
        if (mainland && !errors.IsEmpty) errors.Add("country", MainlandRefusal);
        errors.ThrowIfAny();
        if (mainland)
        {
            throw new ProblemException(422, "Mainland partners are not registered here.", MainlandRefusal,
                new Dictionary<string, string[]> { ["country"] = [MainlandRefusal] },
                new Dictionary<string, object?> { ["regionCategory"] = "mainland" });
        }

        var token = Secrets.NewToken();
        var partner = new Partner(Ids.New("par"), name, nameZh, country, category, type, website, email, now, Secrets.Hash(token));
        return (partner, token);
    }

    public const string MainlandRefusal =
        "This registry is for international and Hong Kong, Macao and Taiwan partners; mainland (CN) organisations are not registered here.";

    /// <summary>
    /// Whether the token is a verified, active partner's own token for this id. Other capabilities (a
    /// registration sent in a partner's name) ask this instead of reading partner rows themselves.
    /// </summary>
    public async Task<PartnerAccess> AuthenticateAsync(string partnerId, string? accessToken, CancellationToken cancellationToken) =>
        AccessOf(await FindAsync(partnerId, cancellationToken), accessToken);

    public static PartnerAccess AccessOf(Partner? partner, string? accessToken)
    {
        if (partner?.AccessTokenHash is not { } hash || !Secrets.Matches(accessToken, hash)) return PartnerAccess.Unknown;
        return partner.Status switch
        {
            PartnerStatus.Active => PartnerAccess.Verified,
            PartnerStatus.Suspended => PartnerAccess.Suspended,
            _ => PartnerAccess.Unknown,
        };
    }

    /// <summary>The partner the token opens; 404 for an unknown id or a token that is not this partner's, 403 when suspended.</summary>
    public async Task<Partner> OpenAsync(string partnerId, string? accessToken, CancellationToken cancellationToken)
    {
        var partner = await FindAsync(partnerId, cancellationToken);
        return AccessOf(partner, accessToken) switch
        {
            PartnerAccess.Verified => partner!,
            PartnerAccess.Suspended => throw Suspended(),
            _ => throw NotFound(),
        };
    }

    public static ProblemException Suspended() =>
        new(403, "The partner is suspended.", "Commission staff have suspended this partner; nothing can be done in its name until they reinstate it.");

    /// <summary>A partner for staff (no token); 404 when there is none.</summary>
    public async Task<Partner> GetAsync(string partnerId, CancellationToken cancellationToken) =>
        await FindAsync(partnerId, cancellationToken) ?? throw NotFound();

    public async Task<Partner?> FindAsync(string partnerId, CancellationToken cancellationToken)
    {
        if (!PartnerIds.IsValid(partnerId)) return null;
        var found = await Table.GetEntityIfExistsAsync<TableEntity>(partnerId, PartnerRow, cancellationToken: cancellationToken);
        return found.HasValue ? FromEntity(found.Value!) : null;
    }

    private static ProblemException NotFound() => ProblemException.NotFound("No partner has that id, or the access token does not open it.");

    private static string? Website(FieldErrors errors, string? value)
    {
        var text = errors.OptionalText("website", value, 300);
        if (text is null) return null;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) || string.IsNullOrEmpty(uri.Host))
        {
            errors.Add("website", "Must be an absolute http or https address, for example https://www.example.org.");
        }

        return text;
    }

    private static TableEntity ToEntity(Partner p) => new(p.PartnerId, PartnerRow)
    {
        ["Name"] = p.Name,
        ["NameZh"] = p.NameZh,
        ["Country"] = p.Country,
        ["RegionCategory"] = ApiEnum.Name(p.RegionCategory),
        ["Type"] = ApiEnum.Name(p.Type),
        ["Website"] = p.Website,
        ["ContactEmail"] = p.ContactEmail,
        ["CreatedAt"] = p.CreatedAt,
        ["AccessTokenHash"] = p.AccessTokenHash,
        ["Status"] = ApiEnum.Name(p.Status),
        ["VerificationTokenHash"] = p.VerificationTokenHash,
        ["VerificationExpiresAt"] = p.VerificationExpiresAt,
        ["VerifiedAt"] = p.VerifiedAt,
    };

    private static Partner FromEntity(TableEntity e) => new(
        e.PartitionKey,
        e.GetString("Name"),
        e.GetString("NameZh"),
        e.GetString("Country"),
        ApiEnum.Parse<RegionCategory>(e.GetString("RegionCategory")),
        ApiEnum.Parse<PartnerType>(e.GetString("Type")),
        e.GetString("Website"),
        e.GetString("ContactEmail"),
        e.GetDateTimeOffset("CreatedAt") ?? default,
        e.GetString("AccessTokenHash"),
        // Rows written before verification existed have no status; they were usable, so they stay active.
        e.GetString("Status") is { } status ? ApiEnum.Parse<PartnerStatus>(status) : PartnerStatus.Active,
        e.GetString("VerificationTokenHash"),
        e.GetDateTimeOffset("VerificationExpiresAt"),
        e.GetDateTimeOffset("VerifiedAt"));
}
