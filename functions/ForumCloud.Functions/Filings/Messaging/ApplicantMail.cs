using ForumCloud.Functions.Mail;

namespace ForumCloud.Functions.Filings;

/// <summary>The applicant verification mail; its link keeps the token out of server logs (<see cref="VerificationLinks.Url"/>).</summary>
public static class ApplicantMail
{
    public const string VerificationTemplate = "applicant-verification";

    public static MailRequest Verification(Applicant applicant, string token, Uri publicBaseUrl)
    {
        var model = new Dictionary<string, string>
        {
            ["enterpriseName"] = applicant.Name,
            ["contactName"] = applicant.ContactName,
            ["uscc"] = applicant.Uscc,
            ["applicantId"] = applicant.ApplicantId,
        };
        return new MailRequest(new OutboxKey("applicant-" + applicant.ApplicantId, "verification"), applicant.ContactEmail, applicant.ContactName, VerificationTemplate, null, model)
        {
            ActionUrl = VerificationLinks.Url(publicBaseUrl, "api/applicants/verify", token),
        };
    }
}
