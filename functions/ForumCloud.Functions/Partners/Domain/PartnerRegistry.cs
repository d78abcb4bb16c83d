using Azure;
using Azure.Data.Tables;
using ForumCloud.Functions.Mail;
using ForumCloud.Functions.Privacy;
using Microsoft.Extensions.Caching.Hybrid;

namespace ForumCloud.Functions.Partners;

/// <summary>
/// How long an instance may answer a partner's token check from memory. A suspension reaches every instance within
/// this time (the instance that made the change forgets at once); verification and reinstatement take effect at once,
/// because only active partners are kept.
/// </summary>
public sealed class PartnerAccessCacheOptions
{
    public TimeSpan Lifetime { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// Registers partner organisations, verifies them by an emailed one-time link and opens them with their
/// access token. One entity per partner (PartitionKey = partnerId); tokens are stored only as hashes. A
/// partner has no access token until its contact address is verified (<see cref="PartnerVerification"/>).
/// </summary>
public sealed class PartnerRegistry(StorageAccount storage, MailOutbox outbox, MailSettings mail, PrivacyNotices notices, TimeProvider clock, HybridCache? cache = null, PartnerAccessCacheOptions? accessCache = null)
{
    public static readonly IdKind PartnerIds = RouteIds.Generated("par", "partner");
    private const string PartnerRow = "partner";

    private TableClient Table => storage.Table(TableNames.Partners);

    /// <summary>
    /// Stores the partner as pending verification and mails its contact a one-time link (valid 24 h). The row
    /// goes first: a lost mail leaves only a pending partner nobody can use, never a link to nothing.
    /// </summary>
    public async Task<PartnerPending> RegisterAsync(PartnerCreate request, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var (validated, _) = Validate(request, now, notices);
        var link = VerificationLinks.NewToken(validated.PartnerId);
        var partner = validated with
        {
            AccessTokenHash = null,
            Status = PartnerStatus.PendingVerification,
            VerificationTokenHash = Secrets.Hash(link),
            VerificationExpiresAt = now + VerificationLinks.Lifetime,
        };
        await Table.AddEntityAsync(ToEntity(partner), cancellationToken);
        await outbox.QueueAsync(PartnerMail.Verification(partner, link, mail.PublicBaseUrl), cancellationToken);
        return new PartnerPending(partner.PartnerId, PartnerStatus.PendingVerification, partner.RegionCategory);
    }

    /// <summary>
    /// POST /api/partners/verify: the link's token, once, within 24 h, turns the pending partner active and
    /// creates its access token (returned here only). One conditional write: two concurrent uses of the same
    /// link cannot both get a token.
    /// </summary>
    public async Task<PartnerVerified> VerifyAsync(string? token, CancellationToken cancellationToken)
    {
        var presented = VerificationLinks.RequireToken(token);
        // A 412 means the same link was used twice at once: read again, and the second use sees "used".
        return await OptimisticConcurrency.RetryAsync("The partner", async () =>
        {
            var partnerId = VerificationLinks.SubjectOf(presented);
            var found = partnerId is null || !PartnerIds.IsValid(partnerId)
                ? null
                : (await Table.GetEntityIfExistsAsync<TableEntity>(partnerId, PartnerRow, cancellationToken: cancellationToken)) is { HasValue: true } r ? r.Value : null;
            var partner = found is null ? null : FromEntity(found);
            var now = clock.GetUtcNow();
            var check = VerificationLinks.Check(presented, partner?.VerificationTokenHash, partner?.VerificationExpiresAt,
                partner is { Status: not PartnerStatus.PendingVerification }, now);
            if (check != LinkTokenCheck.Valid) throw VerificationLinks.Refusal(check);

            var accessToken = Secrets.NewToken();
            var verified = partner! with { Status = PartnerStatus.Active, AccessTokenHash = Secrets.Hash(accessToken), VerifiedAt = now };
            await Table.UpdateEntityAsync(ToEntity(verified), found!.ETag, TableUpdateMode.Replace, cancellationToken);
            await ForgetAccessAsync(verified.PartnerId, cancellationToken);
            return new PartnerVerified(verified.PartnerId, accessToken);
        }, cancellationToken);
    }

    /// <summary>Staff suspend or reinstate a verified partner; a partner still pending verification is 409.</summary>
    public async Task<Partner> SetStatusAsync(string partnerId, PartnerStatusChange request, StaffActor actor, CancellationToken cancellationToken)
    {
        var errors = FieldErrors.For(request);
        var to = errors.Enum("status", request.Status);
        var note = errors.OptionalText("note", request.Note, 2000, multiline: true);
        if (request.Status is PartnerStatus.PendingVerification) errors.Add("status", "Must be active or suspended.");
        if (request.Status is PartnerStatus.Suspended && note is null) errors.Add("note", "Required when a partner is suspended: say why.");
        errors.ThrowIfAny();

        return await OptimisticConcurrency.RetryAsync("The partner", async () =>
        {
            var found = await Table.GetEntityIfExistsAsync<TableEntity>(partnerId, PartnerRow, cancellationToken: cancellationToken);
            if (!found.HasValue) throw NotFound();
            var partner = FromEntity(found.Value!);
            if (partner.Status == PartnerStatus.PendingVerification)
            {
                throw ProblemException.Conflict("The partner is not verified yet.", "Only a partner that verified its contact address can be suspended or reinstated.");
            }

            var changed = partner with { Status = to, StatusNote = note, StatusChangedBy = actor.Name, StatusChangedAt = clock.GetUtcNow() };
            await Table.UpdateEntityAsync(ToEntity(changed), found.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
            await ForgetAccessAsync(partnerId, cancellationToken);
            return changed;
        }, cancellationToken);
    }

    /// <summary>
    /// POST /api/partners/{partnerId}/erasure: the partner's contact address (its only personal data) is erased at its
    /// request, also when suspended (PIPL Art. 47). The organisation, its token and its cooperation records stay; mail
    /// to it stops, since there is nobody left to write to. Erasing twice changes nothing.
    /// </summary>
    public async Task<Partner> EraseContactAsync(string partnerId, string? accessToken, CancellationToken cancellationToken)
    {
        return await OptimisticConcurrency.RetryAsync("The partner", async () =>
        {
            var found = PartnerIds.IsValid(partnerId) ? await Table.GetEntityIfExistsAsync<TableEntity>(partnerId, PartnerRow, cancellationToken: cancellationToken) : null;
            var partner = found is { HasValue: true } ? FromEntity(found.Value!) : null;
            if (AccessOf(partner, accessToken) == PartnerAccess.Unknown) throw NotFound();
            if (partner!.ContactErasedAt is not null) return partner;

            var erased = partner with { ContactEmail = "", VerificationTokenHash = null, ContactErasedAt = clock.GetUtcNow() };
            await Table.UpdateEntityAsync(ToEntity(erased), found!.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
            return erased;
        }, cancellationToken);
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

    /// <summary>
    /// Checks a registration body; 400 with every field error, 422 for a mainland (CN) partner or a privacy notice
    /// not accepted. <paramref name="notices"/> is null only for the demo seeds, which nobody consents to.
    /// </summary>
    public static (Partner Partner, string AccessToken) Validate(PartnerCreate request, DateTimeOffset now, PrivacyNotices? notices = null)
    {
        var errors = FieldErrors.For(request);
        var name = errors.Text("name", request.Name, 200);
        var nameZh = errors.OptionalText("nameZh", request.NameZh, 100);
        var country = errors.Country("country", request.Country);
        var type = errors.Enum("type", request.Type);
        var website = Website(errors, request.Website);
        var email = errors.Email("contactEmail", request.ContactEmail);
        var category = Countries.CategoryOf(country);
        var mainland = category == RegionCategory.Mainland;
        if (mainland && !errors.IsEmpty) errors.Add("country", MainlandRefusal);
        var accepted = mainland ? null : notices?.Accept(errors, request.PrivacyNoticeVersion);
        errors.ThrowIfAny();
        if (mainland)
        {
            throw new ProblemException(422, "Mainland partners are not registered here.", MainlandRefusal,
                new Dictionary<string, string[]> { ["country"] = [MainlandRefusal] },
                new Dictionary<string, object?> { ["regionCategory"] = "mainland" });
        }

        var token = Secrets.NewToken();
        var partner = new Partner(Ids.New("par"), name, nameZh, country, category, type, website, email, now, Secrets.Hash(token)) { PrivacyNoticeVersion = accepted };
        return (partner, token);
    }

    public const string MainlandRefusal =
        "This registry is for international and Hong Kong, Macao and Taiwan partners; mainland (CN) organisations are not registered here.";

    /// <summary>
    /// Whether the token is a verified, active partner's own token for this id. Other capabilities (a
    /// registration sent in a partner's name) ask this instead of reading partner rows themselves.
    /// </summary>
    /// <remarks>
    /// The hot path of registrations in a partner's name: answered from a short in-process cache of active partners'
    /// token hashes (<see cref="PartnerAccessCacheOptions"/>), so a burst of registrations reads the partner row once
    /// per instance and lifetime instead of once per request. The token itself is still checked on every call.
    /// </remarks>
    public async Task<PartnerAccess> AuthenticateAsync(string partnerId, string? accessToken, CancellationToken cancellationToken)
    {
        var lifetime = (accessCache ?? new PartnerAccessCacheOptions()).Lifetime;
        if (cache is null || lifetime <= TimeSpan.Zero || !PartnerIds.IsValid(partnerId)) return AccessOf(await FindAsync(partnerId, cancellationToken), accessToken);
        var options = new HybridCacheEntryOptions { Expiration = lifetime, LocalCacheExpiration = lifetime };
        var credential = await cache.GetOrCreateAsync(AccessKey(partnerId), async ct => PartnerCredential.Of(await FindAsync(partnerId, ct)), options, cancellationToken: cancellationToken);
        if (credential.Status != PartnerStatus.Active) await cache.RemoveAsync(AccessKey(partnerId), cancellationToken); // just read; keep only active ones
        return AccessOf(credential.AccessTokenHash, credential.Status, accessToken);
    }

    private async Task ForgetAccessAsync(string partnerId, CancellationToken cancellationToken)
    {
        if (cache is not null) await cache.RemoveAsync(AccessKey(partnerId), cancellationToken);
    }

    private static string AccessKey(string partnerId) => "partners:access:" + partnerId;

    public static PartnerAccess AccessOf(Partner? partner, string? accessToken) =>
        partner is null ? PartnerAccess.Unknown : AccessOf(partner.AccessTokenHash, partner.Status, accessToken);

    private static PartnerAccess AccessOf(string? accessTokenHash, PartnerStatus status, string? accessToken)
    {
        if (accessTokenHash is not { } hash || !Secrets.Matches(accessToken, hash)) return PartnerAccess.Unknown;
        return status switch
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
        ["StatusNote"] = p.StatusNote,
        ["StatusChangedBy"] = p.StatusChangedBy,
        ["StatusChangedAt"] = p.StatusChangedAt,
        ["PrivacyNoticeVersion"] = p.PrivacyNoticeVersion,
        ["ContactErasedAt"] = p.ContactErasedAt,
    };

    private static Partner FromEntity(TableEntity e) => new(
        e.PartitionKey,
        e.GetString("Name"),
        e.GetString("NameZh"),
        e.GetString("Country"),
        StoredEnum.Read<RegionCategory>(e.GetString("RegionCategory")),
        StoredEnum.Read<PartnerType>(e.GetString("Type")),
        e.GetString("Website"),
        e.GetString("ContactEmail"),
        e.GetDateTimeOffset("CreatedAt") ?? default,
        e.GetString("AccessTokenHash"),
        // Rows written before verification existed have no status; they were usable, so they stay active.
        e.GetString("Status") is { } status ? StoredEnum.Read<PartnerStatus>(status) : PartnerStatus.Active,
        e.GetString("VerificationTokenHash"),
        e.GetDateTimeOffset("VerificationExpiresAt"),
        e.GetDateTimeOffset("VerifiedAt"))
    {
        StatusNote = e.GetString("StatusNote"),
        StatusChangedBy = e.GetString("StatusChangedBy"),
        StatusChangedAt = e.GetDateTimeOffset("StatusChangedAt"),
        PrivacyNoticeVersion = e.GetString("PrivacyNoticeVersion"),
        ContactErasedAt = e.GetDateTimeOffset("ContactErasedAt"),
    };
}

/// <summary>What a token check needs of a partner (cached; no contact data). Immutable, so the cache hands out the same instance.</summary>
[System.ComponentModel.ImmutableObject(true)]
public sealed record PartnerCredential(string? AccessTokenHash, PartnerStatus Status)
{
    public static PartnerCredential Of(Partner? partner) => new(partner?.AccessTokenHash, partner?.Status ?? PartnerStatus.PendingVerification);
}
