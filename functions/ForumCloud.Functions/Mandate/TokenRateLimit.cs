using System.Net;
using System.Threading.RateLimiting;
using ForumCloud.Functions.Platform;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace ForumCloud.Functions.Mandate;

/// <summary>
/// At most <see cref="PerMinute"/> Direct Line tokens a minute per client address, per instance (a token is a
/// Direct Line conversation: a page load needs one). Per instance on purpose: a bound on what one browser can
/// draw from one instance, not a global quota (Azure Bot Service enforces its own). Over it: 429 with Retry-After.
/// </summary>
public sealed class TokenRateLimit(IConfiguration configuration) : IDisposable
{
    public const int PerMinute = 10;

    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = PerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    public void Demand(HttpRequest request)
    {
        using var lease = _limiter.AttemptAcquire(ClientAddress(request));
        if (lease.IsAcquired) return;
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? (int)Math.Ceiling(wait.TotalSeconds) : 60;
        throw new ProblemException(429, "Too many requests.", $"At most {PerMinute} chat conversations a minute from one address; try again in {retryAfter} seconds.")
        {
            RetryAfterSeconds = Math.Max(1, retryAfter),
        };
    }

    /// <summary>
    /// The caller's address. In App Service the front end appends the client's address to X-Forwarded-For, so
    /// the last entry is the one a client cannot forge; elsewhere (locally) the connection's address.
    /// </summary>
    private string ClientAddress(HttpRequest request)
    {
        var behindFrontEnd = !string.IsNullOrEmpty(configuration["WEBSITE_HOSTNAME"]);
        if (behindFrontEnd && request.Headers["X-Forwarded-For"].ToString() is { Length: > 0 } forwarded)
        {
            var last = forwarded.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "";
            // "1.2.3.4:5678" or "[::1]:5678": the port differs per connection, the address is what counts.
            if (IPEndPoint.TryParse(last, out var endpoint)) return endpoint.Address.ToString();
            return last;
        }

        return request.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
    }

    public void Dispose() => _limiter.Dispose();
}
