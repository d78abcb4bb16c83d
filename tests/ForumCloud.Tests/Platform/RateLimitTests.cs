using System.Net;
using ForumCloud.Functions.Platform;
using Microsoft.AspNetCore.Http;

namespace ForumCloud.Tests.Platform;

public sealed class RateLimitTests
{
    private static HttpRequest From(string remote, string? forwardedFor = null)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        if (forwardedFor is not null) context.Request.Headers["X-Forwarded-For"] = forwardedFor;
        return context.Request;
    }

    [Fact]
    public void An_anonymous_caller_gets_429_with_Retry_After_past_the_limit_and_others_are_not_affected()
    {
        using var limits = new RateLimits(anonymousPerMinute: 5, tokenHolderPerMinute: 100, trustedProxies: 0);
        for (var i = 0; i < 5; i++) limits.Admit(From("198.51.100.7"), "register");

        var refused = Assert.Throws<ProblemException>(() => limits.Admit(From("198.51.100.7"), "register"));
        Assert.Equal(429, refused.Status);
        Assert.InRange(refused.RetryAfterSeconds!.Value, 1, 60);

        limits.Admit(From("198.51.100.8"), "register"); // another address has its own bucket
        limits.Admit(From("198.51.100.7"), "ask");      // and every route its own
    }

    [Fact]
    public void Token_holders_are_counted_per_token_with_their_own_limit()
    {
        using var limits = new RateLimits(anonymousPerMinute: 1, tokenHolderPerMinute: 3, trustedProxies: 0);
        for (var i = 0; i < 3; i++) limits.Admit(From("198.51.100.7"), "delegations", accessToken: "partner-a-token");
        Assert.Equal(429, Assert.Throws<ProblemException>(() => limits.Admit(From("198.51.100.7"), "delegations", "partner-a-token")).Status);
        limits.Admit(From("198.51.100.7"), "delegations", "partner-b-token");
        limits.Admit(From("198.51.100.7"), "delegations"); // the same address without a token: the anonymous bucket
    }

    [Theory]
    [InlineData(0, "10.0.0.1", "203.0.113.9", "10.0.0.1")]                        // no proxy trusted: the connection
    [InlineData(1, "10.0.0.1", "203.0.113.9", "203.0.113.9")]                     // App Service's front end appended it
    [InlineData(1, "10.0.0.1", "6.6.6.6, 203.0.113.9", "203.0.113.9")]            // a client-written entry in front is ignored
    [InlineData(2, "10.0.0.1", "6.6.6.6, 203.0.113.9, 147.243.1.2", "203.0.113.9")] // Front Door, then App Service
    [InlineData(1, "10.0.0.1", "203.0.113.9:52110", "203.0.113.9")]               // with a port
    [InlineData(1, "10.0.0.1", "[2001:db8::1]:443", "2001:db8::1")]
    [InlineData(1, "10.0.0.1", "not-an-address", "10.0.0.1")]                     // junk falls back to the connection
    [InlineData(3, "10.0.0.1", "203.0.113.9", "10.0.0.1")]                        // fewer hops than trusted proxies
    public void The_client_address_is_the_entry_the_trusted_proxies_appended(int trustedProxies, string remote, string forwarded, string expected)
    {
        Assert.Equal(expected, ClientAddress.Of(From(remote, forwarded), trustedProxies));
    }

    [Fact]
    public void A_spoofed_forwarded_header_does_not_buy_a_new_bucket()
    {
        using var limits = new RateLimits(anonymousPerMinute: 2, tokenHolderPerMinute: 100, trustedProxies: 1);
        limits.Admit(From("10.0.0.1", "1.1.1.1, 203.0.113.9"), "register");
        limits.Admit(From("10.0.0.1", "2.2.2.2, 203.0.113.9"), "register");
        Assert.Equal(429, Assert.Throws<ProblemException>(() => limits.Admit(From("10.0.0.1", "3.3.3.3, 203.0.113.9"), "register")).Status);
    }
}
