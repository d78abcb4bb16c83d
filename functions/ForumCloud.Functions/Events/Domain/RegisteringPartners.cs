using ForumCloud.Functions.Partners;

namespace ForumCloud.Functions.Events;

/// <summary>
/// "Is this a verified, active partner's own token for partnerId?" — the one place registrations ask it. A partnerId
/// without that partner's token is 403: nobody attaches registrations to a partner they do not hold the token of.
/// </summary>
public sealed class RegisteringPartners(PartnerRegistry partners)
{
    public async Task DemandAsync(string partnerId, string? accessToken, CancellationToken cancellationToken)
    {
        // Unknown, not this partner's token, pending or suspended: all 403. Answered from the registry's short cache.
        if (await partners.AuthenticateAsync(partnerId, accessToken, cancellationToken) != PartnerAccess.Verified) throw Forbidden();
    }

    public static ProblemException Forbidden() =>
        new(403, "Not this partner's access token.",
            "A registration in a partner's name needs that verified partner's X-Access-Token; without it, register without partnerId (confirmed by mail).");
}
