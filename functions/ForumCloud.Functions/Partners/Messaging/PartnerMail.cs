using ForumCloud.Functions.Mail;

namespace ForumCloud.Functions.Partners;

/// <summary>
/// The partner verification mail. The token travels in the link's fragment (#token=…): browsers do not send
/// fragments, so it never reaches a server log, and the page behind the link (GET, which changes nothing) posts it
/// only when the reader presses Confirm.
/// </summary>
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
            ActionUrl = new Uri(publicBaseUrl, "api/partners/verify").ToString() + "#token=" + Uri.EscapeDataString(token),
        };
    }
}
