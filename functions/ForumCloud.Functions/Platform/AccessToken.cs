using Microsoft.AspNetCore.Http;

namespace ForumCloud.Functions.Platform;

/// <summary>
/// The bearer secret a verified partner or applicant sends on its own routes (`X-Access-Token`). It is not the
/// `Authorization` header because in Azure App Service Authentication may own that one; the domain checks the token
/// against its stored hash, so an absent header reads as the empty string and is refused there.
/// </summary>
public static class AccessToken
{
    public const string Header = "X-Access-Token";

    public static string Of(HttpRequest request) => request.Headers[Header].ToString();
}
