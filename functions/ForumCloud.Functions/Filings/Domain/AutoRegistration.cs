using Microsoft.Extensions.Configuration;

namespace ForumCloud.Functions.Filings;

/// <summary>
/// Whether a free filing may be registered without a person: only when ForumCloud__Filings__AutoRegister is
/// "verified-applicants" (default "off") and staff have approved the applicant's enterprise. The Regulations have the
/// authority register a free contract within 3 working days; issuing the certificate unattended is a policy choice of
/// the commission, not of this code (README: legal caveat).
/// </summary>
public sealed class AutoRegistration(IConfiguration configuration, ApplicantRegistry applicants)
{
    public const string VerifiedApplicants = "verified-applicants";

    public bool Enabled => Mode(configuration) == VerifiedApplicants;

    public static string Mode(IConfiguration configuration) =>
        configuration[SettingNames.ConfigKey(SettingNames.FilingsAutoRegister)]?.Trim().ToLowerInvariant() switch
        {
            null or "" or "off" => "off",
            VerifiedApplicants => VerifiedApplicants,
            var other => throw new InvalidOperationException($"The app setting {SettingNames.FilingsAutoRegister} must be 'off' or '{VerifiedApplicants}', not '{other}'."),
        };

    public Task<bool> AppliesToAsync(FilingRecord record, CancellationToken cancellationToken) => AppliesToAsync(record.ApplicantId, cancellationToken);

    public async Task<bool> AppliesToAsync(string? applicantId, CancellationToken cancellationToken)
    {
        if (!Enabled || applicantId is null) return false;
        var applicant = await applicants.GetAsync(applicantId, cancellationToken);
        return applicant.Enterprise == EnterpriseVerification.Approved;
    }
}
