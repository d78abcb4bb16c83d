using System.Text;
using System.Text.Json;
using Azure;
using ForumCloud.Functions.Platform;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace ForumCloud.Tests.Platform;

/// <summary>The edge both hosts run around a function, driven directly on a bare HttpContext with the app's own services.</summary>
public sealed class HttpEdgeTests
{
    [Fact]
    public async Task A_problem_thrown_by_the_function_is_problem_details_with_every_field_error_even_for_a_browser()
    {
        var (status, headers, body) = await RunAsync(_ => throw ProblemException.Validation(new Dictionary<string, string[]>
        {
            ["email"] = ["Required."],
            ["country"] = ["Expected an ISO 3166-1 alpha-2 code."],
        }), accept: "text/html");

        Assert.Equal(400, status);
        Assert.Equal("application/problem+json", headers.ContentType);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(400, json.RootElement.GetProperty("status").GetInt32());
        Assert.Equal("/api/probe", json.RootElement.GetProperty("instance").GetString());
        Assert.Equal(["country", "email"], json.RootElement.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order());
    }

    [Fact]
    public async Task A_storage_outage_is_503_with_retry_after_and_an_unexpected_error_500_without_its_message()
    {
        var outage = await RunAsync(_ => throw new RequestFailedException(503, "Server busy"));
        Assert.Equal(503, outage.Status);
        Assert.Equal("5", outage.Headers.RetryAfter.ToString());

        var bug = await RunAsync(_ => throw new InvalidOperationException("secret detail of System.Collections"));
        Assert.Equal(500, bug.Status);
        Assert.DoesNotContain("secret detail", bug.Body);
        Assert.DoesNotContain("System.", bug.Body);
    }

    [Fact]
    public async Task A_staff_only_function_runs_only_for_the_staff_role_and_sees_its_actor()
    {
        var ran = 0;
        Func<HttpContext, Task<IActionResult>> function = http =>
        {
            ran++;
            return Task.FromResult<IActionResult>(new OkObjectResult(new { actor = StaffActor.Of(http.Request).Name }));
        };

        var refused = await RunAsync(function, staffOnly: true, easyAuth: true);
        Assert.Equal(401, refused.Status);
        Assert.Equal(0, ran);

        var allowed = await RunAsync(function, staffOnly: true, easyAuth: true, principal: StaffGateTests.Principal("li.wei@bjkw.gov.cn", StaffGate.DefaultRole));
        Assert.Equal(200, allowed.Status);
        Assert.Equal("""{"actor":"li.wei@bjkw.gov.cn"}""", allowed.Body);
        Assert.Equal(1, ran);
    }

    [Fact]
    public async Task Without_StaffOnly_a_function_has_no_actor()
    {
        var result = await RunAsync(http => Task.FromResult<IActionResult>(new OkObjectResult(StaffActor.Of(http.Request))));
        Assert.Equal(500, result.Status); // the function asked for an actor the edge never admitted
    }

    private static async Task<(int Status, IHeaderDictionary Headers, string Body)> RunAsync(
        Func<HttpContext, Task<IActionResult>> function, bool staffOnly = false, bool easyAuth = false, string? principal = null, string accept = "application/json")
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [SettingNames.ConfigKey(SettingNames.EasyAuthEnabled)] = easyAuth ? "true" : "false",
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration);
        services.AddForumCloud(configuration).AddMvcCore();
        await using var provider = services.BuildServiceProvider();

        var http = new DefaultHttpContext { RequestServices = provider };
        http.Request.Method = "GET";
        http.Request.Path = "/api/probe";
        http.Request.Headers.Accept = accept;
        if (principal is not null) http.Request.Headers["X-MS-CLIENT-PRINCIPAL"] = principal;
        http.Response.Body = new MemoryStream();

        var answer = await provider.GetRequiredService<HttpEdge>().InvokeAsync(http, staffOnly, async () => await function(http));
        if (answer is IResult result) await result.ExecuteAsync(http);
        else await ((IActionResult)answer!).ExecuteResultAsync(new ActionContext(http, new RouteData(), new ActionDescriptor()));
        return (http.Response.StatusCode, http.Response.Headers, Encoding.UTF8.GetString(((MemoryStream)http.Response.Body).ToArray()));
    }
}
