using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace ForumCloud.Functions.Platform;

/// <summary>One route a script would hammer, and the bucket it draws from.</summary>
public sealed record LimitedRoute(string Name, string Method, Regex Path, int? PerMinute = null);

/// <summary>
/// Per-instance token buckets on the routes a script would hammer (registration, delegations, partner and applicant
/// sign-up, confirmation and verification attempts, filings, the chatbot, Direct Line tokens): over the limit a caller
/// gets 429 with Retry-After. Anonymous callers are counted per client IP, token holders (X-Access-Token) per hash of
/// their token, never the token. Per instance, because Azure runs many: the limit a caller meets is this one times the
/// instance count, which is why the opt-in Front Door WAF (infra/core/gateway/front-door.bicep, the same routes) limits
/// per IP across all instances too. Staff routes and public reads are not limited. Applied once, at the edge
/// (<see cref="HttpEdge"/>), from the table below.
/// </summary>
public sealed class RateLimits : IDisposable
{
    public const string AnonymousPerMinuteSetting = "ForumCloud__RateLimits__AnonymousPerMinute";
    public const string TokenHolderPerMinuteSetting = "ForumCloud__RateLimits__PartnerPerMinute";
    public const string TrustedProxiesSetting = "ForumCloud__RateLimits__TrustedProxies";

    /// <summary>A Direct Line token is a conversation: a page load needs one (Azure Bot Service enforces its own quota too).</summary>
    public const int DirectLineTokensPerMinute = 10;

    public static readonly IReadOnlyList<LimitedRoute> Routes =
    [
        new("registrations", "POST", Route("^/api/events/[^/]+/registrations$")),
        new("registration-confirmations", "POST", Route("^/api/registrations/confirm$")),
        new("delegations", "POST", Route("^/api/partners/[^/]+/delegations$")),
        new("partners", "POST", Route("^/api/partners$")),
        new("partner-verifications", "POST", Route("^/api/partners/verify$")),
        new("applicants", "POST", Route("^/api/applicants$")),
        new("applicant-verifications", "POST", Route("^/api/applicants/verify$")),
        new("filings", "POST", Route("^/api/filings$")),
        new("ask", "POST", Route("^/api/ask$")),
        new("directline-tokens", "POST", Route("^/api/directline/token$"), DirectLineTokensPerMinute),
    ];

    private readonly int _anonymousPerMinute;
    private readonly int _tokenHolderPerMinute;
    private readonly int _trustedProxies;
    private readonly ConcurrentDictionary<int, PartitionedRateLimiter<string>> _limiters = new();

    public RateLimits(IConfiguration configuration)
        : this(
            Setting(configuration, AnonymousPerMinuteSetting, 30),
            Setting(configuration, TokenHolderPerMinuteSetting, 1200),
            Setting(configuration, TrustedProxiesSetting, 0))
    {
    }

    public RateLimits(int anonymousPerMinute, int tokenHolderPerMinute, int trustedProxies)
    {
        _anonymousPerMinute = anonymousPerMinute;
        _tokenHolderPerMinute = tokenHolderPerMinute;
        _trustedProxies = trustedProxies;
    }

    /// <summary>The limited route a request is for, if any.</summary>
    public static LimitedRoute? RouteOf(HttpRequest request) =>
        Routes.FirstOrDefault(r => HttpMethods.Equals(r.Method, request.Method) && r.Path.IsMatch(request.Path.Value ?? ""));

    /// <summary>Takes one request from the caller's bucket when the request is for a limited route; 429 problem details when it is empty.</summary>
    public void Admit(HttpRequest request)
    {
        if (RouteOf(request) is not { } route) return;
        var accessToken = request.Headers["X-Access-Token"].ToString();
        var (perMinute, caller) = accessToken.Length > 0 && route.PerMinute is null
            ? (_tokenHolderPerMinute, "token:" + Secrets.Hash(accessToken)[..16])
            : (route.PerMinute ?? _anonymousPerMinute, "ip:" + ClientAddress.Of(request, _trustedProxies));
        using var lease = _limiters.GetOrAdd(perMinute, PerMinute).AttemptAcquire(route.Name + "|" + caller);
        if (lease.IsAcquired) return;

        var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        throw new ProblemException(429, "Too many requests.", $"This address (or token) sent more than {perMinute} requests a minute to this endpoint; try again in {seconds} seconds.")
        {
            RetryAfterSeconds = seconds,
        };
    }

    public void Dispose()
    {
        foreach (var limiter in _limiters.Values) limiter.Dispose();
    }

    // A bucket that refills a tenth every 6 s: a full minute's allowance at once, then a steady trickle.
    private static PartitionedRateLimiter<string> PerMinute(int perMinute) =>
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = perMinute,
            TokensPerPeriod = Math.Max(1, perMinute / 10),
            ReplenishmentPeriod = TimeSpan.FromSeconds(6),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    private static Regex Route(string pattern) => new(pattern, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking | RegexOptions.IgnoreCase);

    private static int Setting(IConfiguration configuration, string name, int fallback) =>
        int.TryParse(configuration[SettingNames.ConfigKey(name)] ?? configuration[name], out var value) && value > 0 ? value : fallback;
}
