using System.Net;
using ForumCloud.Functions.Platform;
using Microsoft.AspNetCore.Http;
using ForumCloud.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ForumCloud.Tests.Platform;

public sealed class RateLimitTests
{
    private static HttpRequest From(string remote, string? forwardedFor = null, string path = "/api/events/zgc-2027/registrations", string? token = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Path = path;
        if (token is not null) context.Request.Headers["X-Access-Token"] = token;
        context.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        if (forwardedFor is not null) context.Request.Headers["X-Forwarded-For"] = forwardedFor;
        return context.Request;
    }

    [Fact]
    public void An_anonymous_caller_gets_429_with_Retry_After_past_the_limit_and_others_are_not_affected()
    {
        using var limits = new RateLimits(anonymousPerMinute: 5, tokenHolderPerMinute: 100, trustedProxies: 0);
        for (var i = 0; i < 5; i++) limits.Admit(From("198.51.100.7"));

        var refused = Assert.Throws<ProblemException>(() => limits.Admit(From("198.51.100.7")));
        Assert.Equal(429, refused.Status);
        Assert.InRange(refused.RetryAfterSeconds!.Value, 1, 60);

        limits.Admit(From("198.51.100.8")); // another address has its own bucket
        limits.Admit(From("198.51.100.7", path: "/api/ask"));      // and every route its own
        for (var i = 0; i < 20; i++) limits.Admit(From("198.51.100.7", path: "/api/events"));  // a public read is not limited
        for (var i = 0; i < 20; i++) limits.Admit(From("198.51.100.7", path: "/api/staff/events")); // nor a staff route
    }

    [Fact]
    public void Token_holders_are_counted_per_token_with_their_own_limit()
    {
        using var limits = new RateLimits(anonymousPerMinute: 1, tokenHolderPerMinute: 3, trustedProxies: 0);
        for (var i = 0; i < 3; i++) limits.Admit(From("198.51.100.7", path: "/api/partners/p1/delegations", token: "partner-a-token"));
        Assert.Equal(429, Assert.Throws<ProblemException>(() => limits.Admit(From("198.51.100.7", path: "/api/partners/p1/delegations", token: "partner-a-token"))).Status);
        limits.Admit(From("198.51.100.7", path: "/api/partners/p1/delegations", token: "partner-b-token"));
        limits.Admit(From("198.51.100.7", path: "/api/partners/p1/delegations")); // the same address without a token: the anonymous bucket
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
        limits.Admit(From("10.0.0.1", "1.1.1.1, 203.0.113.9"));
        limits.Admit(From("10.0.0.1", "2.2.2.2, 203.0.113.9"));
        Assert.Equal(429, Assert.Throws<ProblemException>(() => limits.Admit(From("10.0.0.1", "3.3.3.3, 203.0.113.9"))).Status);
    }

    [Fact]
    public void Every_limited_route_exists_and_the_front_door_rule_limits_the_same_paths()
    {
        // The functions' own routes (from their HttpTrigger attributes), with every {parameter} filled in.
        var routes = typeof(RateLimits).Assembly.GetTypes().SelectMany(t => t.GetMethods())
            .SelectMany(m => m.GetParameters())
            .Select(p => p.GetCustomAttributes(typeof(Microsoft.Azure.Functions.Worker.HttpTriggerAttribute), false).OfType<Microsoft.Azure.Functions.Worker.HttpTriggerAttribute>().FirstOrDefault())
            .OfType<Microsoft.Azure.Functions.Worker.HttpTriggerAttribute>()
            .SelectMany(a => (a.Methods ?? []).Select(m => (Method: m.ToUpperInvariant(), Path: "/api/" + System.Text.RegularExpressions.Regex.Replace(a.Route ?? "", @"\{[^}]+\}", "x"))))
            .ToList();
        foreach (var limited in RateLimits.Routes)
        {
            Assert.Contains(routes, r => r.Method == limited.Method && limited.Path.IsMatch(r.Path));
        }

        // The WAF sees no tokens: it limits per IP the routes anonymous callers write to (delegations and filings
        // need a partner's or applicant's token and have the token holders' limit in the app only).
        var bicep = File.ReadAllText(Path.Combine(ForumCloud.Tests.Infra.BicepCli.InfraDirectory, "core", "gateway", "front-door.bicep"));
        foreach (var limited in RateLimits.Routes.Where(r => r.Name is not ("delegations" or "filings")))
        {
            var sample = limited.Path.ToString().Trim('^', '$').Replace("[^/]+", "x", StringComparison.Ordinal);
            Assert.Contains("'" + sample.Replace("x", "[^/]+", StringComparison.Ordinal) + "'", bicep);
        }
    }

    [SkippableFact]
    public async Task Over_http_the_limit_answers_429_problem_details_with_retry_after_and_stores_nothing()
    {
        Skip.If(SharedRunner.ExternalBaseUrl is not null, "Needs a runner of its own (the limit is per instance).");
        await using var runner = await PrivateRunner.StartAsync((options, _) => options.ConfigureServices = services => services.AddSingleton(new RateLimits(2, 100, 0)));
        for (var i = 0; i < 2; i++) Assert.Equal(HttpStatusCode.OK, (await runner.Http.PostAsync("api/ask", Problems.Json("""{"question":"Who prepares the Zhongguancun Forum?"}"""))).StatusCode);

        using var refused = await runner.Http.PostAsync("api/ask", Problems.Json("""{"question":"Who prepares the Zhongguancun Forum?"}"""));
        Assert.Equal((HttpStatusCode)429, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType!.MediaType);
        Assert.True(refused.Headers.RetryAfter?.Delta is { TotalSeconds: >= 1 }, "Retry-After in seconds");
        Assert.Equal(HttpStatusCode.OK, (await runner.Http.GetAsync("api/events")).StatusCode); // public reads are not limited
    }
}
