using ForumCloud.Functions.Mail;

namespace ForumCloud.Functions.Partners;

/// <summary>The partner verification mail; its link keeps the token out of server logs (<see cref="VerificationLinks.Url"/>).</summary>
public static class PartnerMail
{
    public const string VerificationTemplate = "partner-verification";

    public static MailRequest Verification(Partner partner, string token, Uri publicBaseUrl)
    {
        var model = new Dictionary<string, string>
        {
            ["partnerName"] = partner.Name,
            ["partnerNameZh"] = partner.NameZh ?? partner.Name,
            ["partnerId"] = partner.PartnerId,
        };
        return new MailRequest(new OutboxKey("partner-" + partner.PartnerId, "verification"), partner.ContactEmail, partner.Name, VerificationTemplate, null, model)
        {
            ActionUrl = VerificationLinks.Url(publicBaseUrl, "api/partners/verify", token),
        };
    }
}
