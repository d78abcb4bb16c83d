using Microsoft.AspNetCore.Http;

namespace ForumCloud.Functions.Partners;

/// <summary>The partner a partner's own route names, opened with the token the request carries (404 for a malformed id; the registry answers 401/403).</summary>
internal static class PartnerRoute
{
    public static Task<Partner> OpenAsync(this PartnerRegistry partners, HttpRequest request, string partnerId, CancellationToken cancellationToken) =>
        partners.OpenAsync(RouteIds.Require(PartnerRegistry.PartnerIds, partnerId), AccessToken.Of(request), cancellationToken);
}
