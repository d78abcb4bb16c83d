using System.Net;
using System.Text.RegularExpressions;
using ForumCloud.DevHost;
using ForumCloud.Functions.Platform;
using ForumCloud.Tests.Infrastructure;
using Microsoft.Azure.Functions.Worker;

namespace ForumCloud.Tests.Resilience;

/// <summary>Who may call what, enumerated from the functions themselves so a new route cannot slip past.</summary>
public sealed class AuthBoundaryTests
{
    /// <summary>Every route anyone may call without a function key. Adding one here is a decision, reviewed as such.</summary>
    private static readonly HashSet<string> AnonymousRoutes =
    [
        "GET health",
        "GET openapi.yaml",
        "GET privacy",
        "GET desk",
        "GET desk/assets/{name}",
        "GET events",
        "GET events/{eventId}",
        "POST events/{eventId}/registrations",
        "GET registrations/{code}",
        "DELETE registrations/{code}",
        "GET confirm",
        "POST registrations/confirm",
        "POST partners/{partnerId}/delegations",
        "POST partners",
        "GET partners/verify",
        "POST partners/verify",
        "GET partners/{partnerId}",
        "POST partners/{partnerId}/erasure",
        "POST applicants/{applicantId}/erasure",
        "POST partners/{partnerId}/cooperations",
        "GET partners/{partnerId}/cooperations",
        "GET cooperations/{cooperationId}",
        "POST filings",
        "POST applicants",
        "GET applicants/verify",
        "POST applicants/verify",
        "GET filings/{filingId}",
        "POST ask",
        "POST messages",
        "GET chat",
        "GET chat/webchat.js",
        "POST directline/token",
    ];

    private static IReadOnlyList<FunctionDescriptor> HttpFunctions { get; } =
        FunctionCatalog.Discover([typeof(ForumCloudServices).Assembly]).Where(f => f.Trigger == TriggerKind.Http).ToList();

    public static TheoryData<string> StaffRoutes => new(HttpFunctions.Where(IsStaff).SelectMany(Keys));

    [Fact]
    public void Staff_routes_need_a_function_key_and_StaffOnly_and_every_other_route_is_on_the_anonymous_allow_list()
    {
        Assert.Contains(HttpFunctions, IsStaff);
        foreach (var function in HttpFunctions)
        {
            // [StaffOnly] read the way the worker middleware reads it: by the metadata's entry point and assembly path.
            var staffOnly = StaffOnlyAttribute.IsOn(function.EntryPoint, typeof(ForumCloudServices).Assembly.Location);
            if (IsStaff(function))
            {
                Assert.True(function.Http.AuthLevel is AuthorizationLevel.Function or AuthorizationLevel.Admin, $"{function.Name} is a staff route without a function key");
                Assert.True(staffOnly, $"{function.Name} is a staff route without [StaffOnly]: the edge would not check the staff role");
            }
            else
            {
                Assert.False(staffOnly, $"{function.Name} is [StaffOnly] on a route outside staff/");
                foreach (var key in Keys(function)) Assert.True(AnonymousRoutes.Contains(key), $"{key} ({function.Name}) is not on the anonymous allow-list");
            }
        }

        var existing = HttpFunctions.SelectMany(Keys).ToHashSet();
        Assert.Empty(AnonymousRoutes.Except(existing)); // the list names no route that is gone
    }

    [Theory]
    [MemberData(nameof(StaffRoutes))]
    public async Task With_easy_auth_on_every_staff_route_refuses_a_caller_without_the_staff_role(string key)
    {
        await using var runner = await EasyAuthRunnerAsync();
        using var http = RunnerHttp.Client(runner);
        http.BaseAddress = new Uri(runner.BaseUrl + "/api/");
        var (method, route) = (key[..key.IndexOf(' ')], key[(key.IndexOf(' ') + 1)..]);
        var path = Regex.Replace(route, @"\{[^}]+\}", "zgc-forum-2027");

        var anonymous = new HttpRequestMessage(new HttpMethod(method), path) { Content = method is "POST" or "PUT" ? Problems.Json("{}") : null };
        await Problems.AssertProblemAsync(await http.SendAsync(anonymous), HttpStatusCode.Unauthorized);

        // A forged header without the role: App Service would strip a client-sent copy, the gate refuses it anyway.
        var forged = new HttpRequestMessage(new HttpMethod(method), path) { Content = method is "POST" or "PUT" ? Problems.Json("{}") : null };
        forged.Headers.Add("X-MS-CLIENT-PRINCIPAL", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("""{"auth_typ":"aad","claims":[{"typ":"roles","val":"Visitor"}]}""")));
        await Problems.AssertProblemAsync(await http.SendAsync(forged), HttpStatusCode.Forbidden);
    }

    private static bool IsStaff(FunctionDescriptor function) => function.HttpRoute.StartsWith("staff/", StringComparison.Ordinal);

    private static IEnumerable<string> Keys(FunctionDescriptor function) => function.HttpMethods.Select(m => $"{m} {function.HttpRoute}");

    private static async Task<DevHostApp> EasyAuthRunnerAsync() =>
        await DevHostApp.StartAsync(
            ["--urls", "http://127.0.0.1:0", $"--{SettingNames.ConfigKey(SettingNames.EasyAuthEnabled)}=true"],
            new DevHostOptions { StorageConnectionString = await SharedAzurite.ConnectionStringAsync(), StartAzuriteIfNeeded = false, StartMailServerIfNeeded = false, LoadSeeds = false, RunTriggers = false });
}
