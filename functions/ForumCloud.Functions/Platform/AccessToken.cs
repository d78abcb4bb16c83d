using Microsoft.AspNetCore.Http;

namespace ForumCloud.Functions.Platform;

/// <summary>
/// The secret a verified partner or applicant sends on its own routes, in the header openapi.yaml names
/// (`X-Access-Token`). The domain checks it against its stored hash, so an absent header reads as the empty string
/// and is refused there.
/// </summary>
public static class AccessToken
{
    public const string Header = "X-Access-Token";

    public static string Of(HttpRequest request) => request.Headers[Header].ToString();
}
