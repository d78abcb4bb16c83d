using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ForumCloud.Tests.Infra;

/// <summary>
/// The azd postdeploy smoke test, run for real (sh + curl) against a stand-in for the deployed app that
/// answers like a healthy or a broken one. The PowerShell variant runs too where pwsh is installed.
/// </summary>
public sealed class PostdeployHookTests
{
    private static string ShScript => Path.Combine(BicepCli.InfraDirectory, "hooks", "postdeploy.sh");

    private static string PwshScript => Path.Combine(BicepCli.InfraDirectory, "hooks", "postdeploy.ps1");

    [Fact]
    public async Task Passes_against_a_healthy_app_after_waiting_out_a_cold_start()
    {
        await using var app = await StandIn.StartAsync(unhealthyFirst: 2);

        var run = await RunAsync("sh", [ShScript], app.BaseUrl);

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("smoke: GET /api/health -> 503, retrying", run.Output);
        Assert.Contains("smoke: POST /api/ask -> 200 answered", run.Output);
        Assert.EndsWith("smoke: passed", run.Output.Trim());
        Assert.Equal(3, app.Requests.Count(r => r == "GET /api/health"));
        Assert.Contains("GET /api/events", app.Requests);
        Assert.Equal("{\"question\":\"Who prepares the Zhongguancun Forum?\"}", Assert.Single(app.AskBodies));
    }

    [Fact]
    public async Task Fails_when_the_chatbot_does_not_answer()
    {
        await using var app = await StandIn.StartAsync(askAnswered: false);

        var run = await RunAsync("sh", [ShScript], app.BaseUrl);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("FAILED: POST /api/ask did not answer the question", run.Output);
    }

    [Fact]
    public async Task Fails_when_events_are_missing()
    {
        await using var app = await StandIn.StartAsync(eventsStatus: 404);

        var run = await RunAsync("sh", [ShScript], app.BaseUrl);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("FAILED: GET /api/events answered 404", run.Output);
        Assert.Empty(app.AskBodies);
    }

    [Fact]
    public async Task Gives_up_when_health_never_turns_healthy()
    {
        await using var app = await StandIn.StartAsync(unhealthyFirst: int.MaxValue);

        var run = await RunAsync("sh", [ShScript], app.BaseUrl, timeoutSeconds: 2);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("FAILED: GET /api/health answered 503", run.Output);
    }

    [Fact]
    public async Task Refuses_to_run_without_a_url()
    {
        var run = await RunAsync("sh", [ShScript], baseUrl: null);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("neither FORUMCLOUD_BASE_URL nor SERVICE_API_URI", run.Output);
    }

    [PwshFact]
    public async Task The_powershell_variant_passes_and_fails_like_the_posix_one()
    {
        await using (var healthy = await StandIn.StartAsync(unhealthyFirst: 1))
        {
            var run = await RunAsync(PwshFact.Executable!, ["-NoProfile", "-File", PwshScript], healthy.BaseUrl);
            Assert.True(run.ExitCode == 0, run.Output);
            Assert.Contains("smoke: passed", run.Output);
            Assert.Equal("{\"question\":\"Who prepares the Zhongguancun Forum?\"}", Assert.Single(healthy.AskBodies));
        }

        await using var broken = await StandIn.StartAsync(askAnswered: false);
        var failed = await RunAsync(PwshFact.Executable!, ["-NoProfile", "-File", PwshScript], broken.BaseUrl);
        Assert.Equal(1, failed.ExitCode);
        Assert.Contains("FAILED: POST /api/ask did not answer the question", failed.Output);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, string[] arguments, string? baseUrl, int timeoutSeconds = 30)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment.Remove("SERVICE_API_URI");
        start.Environment.Remove("FORUMCLOUD_BASE_URL");
        if (baseUrl is not null) start.Environment["FORUMCLOUD_BASE_URL"] = baseUrl;
        start.Environment["FORUMCLOUD_SMOKE_TIMEOUT"] = timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["FORUMCLOUD_SMOKE_INTERVAL"] = "1";

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds + 60));
        await process.WaitForExitAsync(deadline.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>A stand-in for the deployed app on a free loopback port.</summary>
    private sealed class StandIn : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private StandIn(WebApplication app) => _app = app;

        public string BaseUrl { get; private set; } = "";

        public ConcurrentQueue<string> Requests { get; } = new();

        public ConcurrentQueue<string> AskBodies { get; } = new();

        public static async Task<StandIn> StartAsync(int unhealthyFirst = 0, bool askAnswered = true, int eventsStatus = 200)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var standIn = new StandIn(app);
            var healthCalls = 0;

            app.Use(async (context, next) =>
            {
                standIn.Requests.Enqueue($"{context.Request.Method} {context.Request.Path}");
                await next();
            });
            app.MapGet("/api/health", () => Interlocked.Increment(ref healthCalls) <= unhealthyFirst
                ? Results.Json(new { status = "unhealthy" }, statusCode: 503)
                : Results.Json(new { status = "healthy", checks = new { tables = "ok", queues = "ok" } }));
            app.MapGet("/api/events", () => eventsStatus == 200
                ? Results.Json(new { items = Array.Empty<object>(), continuation = (string?)null })
                : Results.StatusCode(eventsStatus));
            app.MapPost("/api/ask", async (HttpRequest request) =>
            {
                standIn.AskBodies.Enqueue(await new StreamReader(request.Body).ReadToEndAsync());
                return request.ContentType?.StartsWith("application/json") == true
                    ? Results.Json(new { answered = askAnswered, answer = "The commission prepares the Zhongguancun Forum (duty XV).", sources = Array.Empty<object>() })
                    : Results.StatusCode(415);
            });

            await app.StartAsync();
            standIn.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return standIn;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}

/// <summary>Runs only where PowerShell 7 (pwsh) is on the PATH; reported as skipped elsewhere.</summary>
public sealed class PwshFactAttribute : FactAttribute
{
    public PwshFactAttribute()
    {
        if (PwshFact.Executable is null) Skip = "pwsh is not installed; the PowerShell hook is checked where it is (and on paper here).";
    }
}

/// <summary>pwsh on the PATH, or the .NET global tool (`dotnet tool install --global PowerShell`, as .ci/prepare does).</summary>
public static class PwshFact
{
    public static string? Executable { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Append(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools"))
        .Select(dir => Path.Combine(dir, OperatingSystem.IsWindows() ? "pwsh.exe" : "pwsh"))
        .FirstOrDefault(File.Exists);
}
