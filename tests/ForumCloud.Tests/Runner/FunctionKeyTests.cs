using System.Net;
using System.Text.Json;
using ForumCloud.DevHost;
using ForumCloud.Functions.Platform;
using ForumCloud.Tests.Infrastructure;

namespace ForumCloud.Tests.Runner;

/// <summary>Function keys as Azure enforces them, over real HTTP: 401 without, 200 with, admin runs 202 at once.</summary>
public sealed class FunctionKeyTests : IAsyncLifetime
{
    private readonly string _key = Secrets.NewToken();
    private DevHostApp _runner = null!;
    private HttpClient _raw = null!;

    public async Task InitializeAsync()
    {
        _runner = await TestRunnerAsync($"--{FunctionKeys.Setting}={_key}");
        _raw = new HttpClient { BaseAddress = new Uri(_runner.BaseUrl + "/") }; // no key, no waiting: what any client sees
    }

    public async Task DisposeAsync()
    {
        _raw.Dispose();
        await _runner.DisposeAsync();
    }

    [Fact]
    public async Task A_staff_route_answers_401_without_a_valid_key_and_200_with_it_in_the_header_or_the_query()
    {
        Assert.False(_runner.Keys.Generated);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _raw.GetAsync("api/test/staff")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(HttpMethod.Get, "api/test/staff", "not-the-key")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _raw.GetAsync("api/test/staff?code=not-the-key")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "api/test/staff", _key)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _raw.GetAsync($"api/test/staff?code={Uri.EscapeDataString(_key)}")).StatusCode);
    }

    [Fact]
    public async Task An_anonymous_route_needs_no_key()
    {
        var response = await _raw.PostAsync("api/test/echo/zgc-forum-2027", Problems.Json("""{"name":"Ada","email":"ada@example.org","country":"GB"}"""));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task The_admin_api_needs_the_key()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await _raw.GetAsync("admin/functions")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _raw.PostAsync("admin/functions/TestTimer", Problems.Json("{}"))).StatusCode);

        var listed = await SendAsync(HttpMethod.Get, "admin/functions", _key);
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.Contains("TestStaffEcho", await listed.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_run_by_hand_answers_202_at_once_and_its_status_url_tells_when_it_finished()
    {
        TestFunctions.SlowRelease = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = await SendAsync(HttpMethod.Post, "admin/functions/TestSlowTimer", _key, "{}");

        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode); // while the function still waits
        var status = started.Headers.Location!.ToString();
        Assert.Matches("^/admin/functions/TestSlowTimer/runs/[0-9a-f]{32}$", status);
        Assert.Equal("running", await RunStatusAsync(status));

        TestFunctions.SlowRelease.SetResult();
        await Eventually.TrueAsync(async () => await RunStatusAsync(status) == "succeeded", TimeSpan.FromSeconds(10), "the run to succeed");
    }

    [Fact]
    public async Task A_failed_run_reports_failed_with_the_error_type_and_the_waiting_client_throws()
    {
        var started = await SendAsync(HttpMethod.Post, "admin/functions/TestFailingTimer", _key, "{}");
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var status = started.Headers.Location!.ToString();
        await Eventually.TrueAsync(async () => await RunStatusAsync(status) == "failed", TimeSpan.FromSeconds(10), "the run to fail");
        using var run = JsonDocument.Parse(await (await SendAsync(HttpMethod.Get, status, _key)).Content.ReadAsStringAsync());
        Assert.Equal("InvalidOperationException", run.RootElement.GetProperty("error").GetString());

        using var waiting = RunnerHttp.Client(_runner);
        var thrown = await Assert.ThrowsAsync<HttpRequestException>(() => waiting.PostAsync("admin/functions/TestFailingTimer", Problems.Json("{}")));
        Assert.Contains("InvalidOperationException", thrown.Message);
    }

    [Fact]
    public async Task Without_a_configured_key_each_start_generates_its_own()
    {
        await using var other = await TestRunnerAsync();
        Assert.True(other.Keys.Generated);
        Assert.True(other.Keys.Key.Length >= 32);
        await using var third = await TestRunnerAsync();
        Assert.NotEqual(other.Keys.Key, third.Keys.Key);

        using var http = RunnerHttp.Client(other);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("api/test/staff")).StatusCode);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string key, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = json is null ? null : Problems.Json(json) };
        request.Headers.Add(FunctionKeys.Header, key);
        return await _raw.SendAsync(request);
    }

    private async Task<string?> RunStatusAsync(string status)
    {
        using var doc = JsonDocument.Parse(await (await SendAsync(HttpMethod.Get, status, _key)).Content.ReadAsStringAsync());
        return doc.RootElement.GetProperty("status").GetString();
    }

    private static async Task<DevHostApp> TestRunnerAsync(params string[] extraArgs)
    {
        var options = new DevHostOptions { StorageConnectionString = await SharedAzurite.ConnectionStringAsync(), StartAzuriteIfNeeded = false, LoadSeeds = false, RunTriggers = false };
        options.FunctionAssemblies.Clear();
        options.FunctionAssemblies.Add(typeof(TestFunctions).Assembly);
        return await DevHostApp.StartAsync(["--urls", "http://127.0.0.1:0", .. extraArgs], options);
    }
}
