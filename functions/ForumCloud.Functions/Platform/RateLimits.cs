using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace ForumCloud.Functions.Platform;

/// <summary>Who is asking: anonymous callers are counted per client IP, token holders per token.</summary>
public enum CallerKind
{
    Anonymous,
    TokenHolder,
}

/// <summary>
/// Per-instance token buckets on the routes a script would hammer (registration, partner and applicant
/// sign-up, confirmation attempts, the chatbot, Direct Line tokens): over the limit a caller gets 429 with
/// Retry-After. Per instance, because Azure runs many: the limit a caller meets is this one times the
/// instance count, which is why the opt-in Front Door WAF (infra) limits per IP across all instances too.
/// Staff routes and public reads are not limited. Token holders are keyed by a hash of their token, never
/// the token.
/// </summary>
public sealed class RateLimits : IDisposable
{
    public const string AnonymousPerMinuteSetting = "ForumCloud__RateLimits__AnonymousPerMinute";
    public const string TokenHolderPerMinuteSetting = "ForumCloud__RateLimits__PartnerPerMinute";
    public const string TrustedProxiesSetting = "ForumCloud__RateLimits__TrustedProxies";

    private readonly PartitionedRateLimiter<string> _anonymous;
    private readonly PartitionedRateLimiter<string> _tokenHolders;
    private readonly int _trustedProxies;

    public RateLimits(IConfiguration configuration)
        : this(
            Setting(configuration, AnonymousPerMinuteSetting, 30),
            Setting(configuration, TokenHolderPerMinuteSetting, 1200),
            Setting(configuration, TrustedProxiesSetting, 0))
    {
    }

    public RateLimits(int anonymousPerMinute, int tokenHolderPerMinute, int trustedProxies)
    {
        _anonymous = PerMinute(anonymousPerMinute);
        _tokenHolders = PerMinute(tokenHolderPerMinute);
        _trustedProxies = trustedProxies;
    }

    /// <summary>Takes one request from the caller's bucket for <paramref name="route"/>; 429 problem details when it is empty.</summary>
    public void Admit(HttpRequest request, string route, string? accessToken = null)
    {
        var (limiter, caller) = accessToken is { Length: > 0 }
            ? (_tokenHolders, "token:" + Secrets.Hash(accessToken)[..16])
            : (_anonymous, "ip:" + ClientAddress.Of(request, _trustedProxies));
        using var lease = limiter.AttemptAcquire(route + "|" + caller);
        if (lease.IsAcquired) return;

        var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
        throw new ProblemException(429, "Too many requests.", "This address (or token) sent too many requests to this endpoint; wait and try again.")
        {
            RetryAfterSeconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)),
        };
    }

    public void Dispose()
    {
        _anonymous.Dispose();
        _tokenHolders.Dispose();
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

    private static int Setting(IConfiguration configuration, string name, int fallback) =>
        int.TryParse(configuration[SettingNames.ConfigKey(name)] ?? configuration[name], out var value) && value >= 0 ? value : fallback;
}
