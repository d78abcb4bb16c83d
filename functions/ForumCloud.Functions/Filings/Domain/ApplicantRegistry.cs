using Azure;
using Azure.Data.Tables;
using ForumCloud.Functions.Mail;
using ForumCloud.Functions.Privacy;

namespace ForumCloud.Functions.Filings;

/// <summary>
/// Filing applicants (the domestic enterprises that register technology contracts): registered pending, verified by
/// an emailed one-time link (as partners are), then checked once by staff. One entity per applicant in the
/// applicants table (PartitionKey = applicantId); every change is one write under the entity's ETag.
/// </summary>
public sealed class ApplicantRegistry(StorageAccount storage, MailOutbox outbox, MailSettings mail, PrivacyNotices notices, TimeProvider clock)
{
    public static readonly IdKind ApplicantIds = RouteIds.Generated("apl", "applicant");
    private const string Row = "applicant";

    private TableClient Table => storage.Table(TableNames.Applicants);

    public async Task<ApplicantPending> RegisterAsync(ApplicantCreate request, CancellationToken cancellationToken)
    {
        var errors = FieldErrors.For(request);
        var name = errors.Text("name", request.Name, 200);
        var uscc = errors.Text("uscc", request.Uscc, 18).ToUpperInvariant();
        if (uscc.Length > 0 && UnifiedSocialCreditCode.Problem(uscc) is { } problem) errors.Add("uscc", problem);
        var email = errors.Email("contactEmail", request.ContactEmail);
        var contactName = errors.Text("contactName", request.ContactName, 100);
        var accepted = notices.Accept(errors, request.PrivacyNoticeVersion);
        errors.ThrowIfAny();

        var now = clock.GetUtcNow();
        var id = Ids.New("apl");
        var link = VerificationLinks.NewToken(id);
        var applicant = new Applicant(id, name, uscc, email, contactName, now, ApplicantStatus.PendingVerification, Secrets.Hash(link),
            now + VerificationLinks.Lifetime, null, null, EnterpriseVerification.Unchecked, null, null, null) { PrivacyNoticeVersion = accepted };
        // The row first: a lost mail leaves only a pending applicant nobody can use, never a link to nothing.
        await Table.AddEntityAsync(ToEntity(applicant), cancellationToken);
        await outbox.QueueAsync(ApplicantMail.Verification(applicant, link, mail.PublicBaseUrl), cancellationToken);
        return new ApplicantPending(id, applicant.Status);
    }

    /// <summary>The mailed token, once, within 24 h: the applicant becomes active and gets its access token (returned only here).</summary>
    public async Task<ApplicantVerified> VerifyAsync(string? token, CancellationToken cancellationToken)
    {
        var presented = VerificationLinks.RequireToken(token);
        return await OptimisticConcurrency.RetryAsync("The applicant", async () =>
        {
            var found = await FindEntityAsync(VerificationLinks.SubjectOf(presented), cancellationToken);
            var applicant = found is null ? null : FromEntity(found);
            var now = clock.GetUtcNow();
            var check = VerificationLinks.Check(presented, applicant?.VerificationTokenHash, applicant?.VerificationExpiresAt,
                applicant is { Status: not ApplicantStatus.PendingVerification }, now);
            if (check != LinkTokenCheck.Valid) throw VerificationLinks.Refusal(check);

            var accessToken = VerificationLinks.NewToken(applicant!.ApplicantId);
            var verified = applicant with { Status = ApplicantStatus.Active, AccessTokenHash = Secrets.Hash(accessToken), VerifiedAt = now };
            await ReplaceAsync(verified, found!.ETag, cancellationToken);
            return new ApplicantVerified(verified.ApplicantId, accessToken);
        }, cancellationToken);
    }

    /// <summary>
    /// The verified applicant an access token belongs to; 403 for a missing, wrong or not-yet-verified token, and for
    /// an enterprise staff have rejected. Nothing is stored for a refused request.
    /// </summary>
    public async Task<Applicant> AuthenticateAsync(string? accessToken, CancellationToken cancellationToken)
    {
        var found = await FindEntityAsync(VerificationLinks.SubjectOf(accessToken), cancellationToken);
        var applicant = found is null ? null : FromEntity(found);
        if (applicant?.AccessTokenHash is not { } hash || !Secrets.Matches(accessToken, hash))
        {
            throw new ProblemException(403, "A verified applicant's access token is required.",
                "Send X-Access-Token: the token POST /api/applicants/verify gave when the applicant's contact confirmed the mailed link.");
        }

        if (applicant.Enterprise == EnterpriseVerification.Rejected)
        {
            throw new ProblemException(403, "The applicant's enterprise verification was rejected.",
                "Commission staff could not verify this enterprise; contact the commission.");
        }

        return applicant;
    }

    /// <summary>
    /// POST /api/applicants/{applicantId}/erasure with the applicant's token (also for a rejected enterprise): the
    /// contact's name and address are erased (PIPL Art. 47). The enterprise, its token and its filings stay: filings are
    /// official records kept for <see cref="Retention.RetentionPolicy.FilingYears"/> years. Erasing twice changes nothing.
    /// </summary>
    public async Task<Applicant> EraseContactAsync(string applicantId, string? accessToken, CancellationToken cancellationToken)
    {
        return await OptimisticConcurrency.RetryAsync("The applicant", async () =>
        {
            var found = await FindEntityAsync(applicantId, cancellationToken);
            var applicant = found is null ? null : FromEntity(found);
            if (applicant?.AccessTokenHash is not { } hash || !Secrets.Matches(accessToken, hash))
            {
                throw ProblemException.NotFound("No applicant has that id, or the access token does not open it.");
            }

            if (applicant.ContactErasedAt is not null) return applicant;
            var erased = applicant with { ContactEmail = "", ContactName = "", ContactErasedAt = clock.GetUtcNow() };
            await ReplaceAsync(erased, found!.ETag, cancellationToken);
            return erased;
        }, cancellationToken);
    }

    public async Task<Applicant> GetAsync(string applicantId, CancellationToken cancellationToken) =>
        await FindEntityAsync(applicantId, cancellationToken) is { } e ? FromEntity(e) : throw ProblemException.NotFound("No applicant has that id.");

    /// <summary>
    /// Applicants whose contact has verified the address, by staff's enterprise check (the desk's queue: unchecked),
    /// paged. A filter across the table's partitions: one row per enterprise, a back office's volume.
    /// </summary>
    public async Task<Platform.Page<ApplicantView>> ListAsync(EnterpriseVerification enterprise, string? continuation, int pageSize, CancellationToken cancellationToken)
    {
        var fingerprint = "applicants/" + ApiEnum.Name(enterprise);
        var filter = TableClient.CreateQueryFilter($"Status eq {ApiEnum.Name(ApplicantStatus.Active)} and Enterprise eq {ApiEnum.Name(enterprise)}");
        return await Paging.ReadAsync(Table.QueryAsync<TableEntity>(filter, maxPerPage: pageSize, cancellationToken: cancellationToken),
            continuation, fingerprint, pageSize, e => ApplicantView.Of(FromEntity(e)), cancellationToken);
    }

    /// <summary>Staff's one decision on the enterprise (approve or reject, with a note); a second decision is 409.</summary>
    public async Task<Applicant> DecideEnterpriseAsync(string applicantId, EnterpriseDecisionRequest request, StaffActor actor, CancellationToken cancellationToken)
    {
        var errors = FieldErrors.For(request);
        var decision = errors.Enum("decision", request.Decision);
        var note = errors.Text("note", request.Note, 2000);
        errors.ThrowIfAny();

        return await OptimisticConcurrency.RetryAsync("The applicant", async () =>
        {
            var found = await FindEntityAsync(applicantId, cancellationToken) ?? throw ProblemException.NotFound("No applicant has that id.");
            var applicant = FromEntity(found);
            if (applicant.Status != ApplicantStatus.Active)
            {
                throw ProblemException.Conflict("The applicant is not verified yet.", "Staff check an enterprise after its contact verified the address.");
            }

            if (applicant.Enterprise != EnterpriseVerification.Unchecked)
            {
                throw ProblemException.Conflict("The enterprise was already checked.", $"It is {ApiEnum.Name(applicant.Enterprise)}; each applicant is checked once.");
            }

            var decided = applicant with
            {
                Enterprise = decision == StaffDecisionKind.Approve ? EnterpriseVerification.Approved : EnterpriseVerification.Rejected,
                EnterpriseNote = note,
                EnterpriseDecidedBy = actor.Name,
                EnterpriseDecidedAt = clock.GetUtcNow(),
            };
            await ReplaceAsync(decided, found.ETag, cancellationToken);
            return decided;
        }, cancellationToken);
    }

    private async Task<TableEntity?> FindEntityAsync(string? applicantId, CancellationToken cancellationToken)
    {
        if (applicantId is null || !ApplicantIds.IsValid(applicantId)) return null;
        var found = await Table.GetEntityIfExistsAsync<TableEntity>(applicantId, Row, cancellationToken: cancellationToken);
        return found.HasValue ? found.Value : null;
    }

    /// <summary>Under the ETag it was read with: a 412 (changed meanwhile, say the same link used twice at once) reads again.</summary>
    private Task ReplaceAsync(Applicant applicant, ETag etag, CancellationToken cancellationToken) =>
        Table.UpdateEntityAsync(ToEntity(applicant), etag, TableUpdateMode.Replace, cancellationToken);

    private static TableEntity ToEntity(Applicant a) => new(a.ApplicantId, Row)
    {
        ["Name"] = a.Name,
        ["Uscc"] = a.Uscc,
        ["ContactEmail"] = a.ContactEmail,
        ["ContactName"] = a.ContactName,
        ["CreatedAt"] = a.CreatedAt,
        ["Status"] = ApiEnum.Name(a.Status),
        ["VerificationTokenHash"] = a.VerificationTokenHash,
        ["VerificationExpiresAt"] = a.VerificationExpiresAt,
        ["AccessTokenHash"] = a.AccessTokenHash,
        ["VerifiedAt"] = a.VerifiedAt,
        ["Enterprise"] = ApiEnum.Name(a.Enterprise),
        ["EnterpriseNote"] = a.EnterpriseNote,
        ["EnterpriseDecidedBy"] = a.EnterpriseDecidedBy,
        ["EnterpriseDecidedAt"] = a.EnterpriseDecidedAt,
        ["PrivacyNoticeVersion"] = a.PrivacyNoticeVersion,
        ["ContactErasedAt"] = a.ContactErasedAt,
    };

    private static Applicant FromEntity(TableEntity e) => new(
        e.PartitionKey,
        e.GetString("Name"),
        e.GetString("Uscc"),
        e.GetString("ContactEmail"),
        e.GetString("ContactName"),
        e.GetDateTimeOffset("CreatedAt") ?? default,
        StoredEnum.Read<ApplicantStatus>(e.GetString("Status")),
        e.GetString("VerificationTokenHash"),
        e.GetDateTimeOffset("VerificationExpiresAt") ?? default,
        e.GetString("AccessTokenHash"),
        e.GetDateTimeOffset("VerifiedAt"),
        StoredEnum.Read<EnterpriseVerification>(e.GetString("Enterprise")),
        e.GetString("EnterpriseNote"),
        e.GetString("EnterpriseDecidedBy"),
        e.GetDateTimeOffset("EnterpriseDecidedAt"))
    {
        PrivacyNoticeVersion = e.GetString("PrivacyNoticeVersion"),
        ContactErasedAt = e.GetDateTimeOffset("ContactErasedAt"),
    };
}
