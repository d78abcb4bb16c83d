using ForumCloud.Functions.Platform;
using System.Net.Http.Headers;
using ForumCloud.DevHost;
using Microsoft.Extensions.Logging;

namespace ForumCloud.Tests.Infrastructure;

/// <summary>
/// The end-to-end target: the local runner (ForumCloud.DevHost) hosting the Function App's classes on a
/// free loopback port over the shared Azurite, started once per test run. With FORUMCLOUD_BASE_URL set,
/// the same tests run against that URL instead (`func start`, or a deployed app).
/// </summary>
public static class SharedRunner
{
    private static readonly Lazy<Task<Uri>> BaseUri = new(StartAsync);

    /// <summary>Set when the suite targets an app it did not start; tests that need storage access then skip.</summary>
    public static string? ExternalBaseUrl => Environment.GetEnvironmentVariable("FORUMCLOUD_BASE_URL") is { Length: > 0 } url ? url.TrimEnd('/') : null;

    /// <summary>The in-process runner, when the suite started one (null against an external URL).</summary>
    public static DevHostApp? App { get; private set; }

    public static async Task<HttpClient> ClientAsync()
    {
        var baseUri = await BaseUri.Value;
        var client = RunnerHttp.Client(baseUri, App?.Keys.Key ?? Environment.GetEnvironmentVariable(FunctionKeys.Setting));
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }

    private static async Task<Uri> StartAsync()
    {
        if (ExternalBaseUrl is { } external) return new Uri(external + "/");

        var options = new DevHostOptions
        {
            StorageConnectionString = await SharedAzurite.ConnectionStringAsync(),
            StartAzuriteIfNeeded = false,
            StartMailServerIfNeeded = false,
            LoadSeeds = false,
            ConfigureLogging = logging => logging.AddProvider(CapturedLogs.Instance).SetMinimumLevel(LogLevel.Debug),
        };
        var mailbox = await TestMailbox.SharedAsync();
        App = await DevHostApp.StartAsync(["--urls", "http://127.0.0.1:0", .. mailbox.RunnerArguments], options);
        var app = App;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => app.DisposeAsync().AsTask().GetAwaiter().GetResult();
        var baseUri = new Uri(App.BaseUrl + "/");
        RunnerStorage.Register(baseUri, StorageAccount.FromConnectionString(options.StorageConnectionString));
        return baseUri;
    }
}
