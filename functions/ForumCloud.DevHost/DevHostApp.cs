using System.Reflection;
using ForumCloud.Functions.Platform;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace ForumCloud.DevHost;

public sealed class DevHostOptions
{
    /// <summary>Assemblies whose functions are hosted; ForumCloud.Functions by default.</summary>
    public List<Assembly> FunctionAssemblies { get; } = [typeof(ForumCloudServices).Assembly];

    /// <summary>Overrides AzureWebJobsStorage (tests pass their Azurite's connection string).</summary>
    public string? StorageConnectionString { get; set; }

    /// <summary>Start Azurite when the storage is the emulator and nothing answers on its ports.</summary>
    public bool StartAzuriteIfNeeded { get; set; } = true;

    /// <summary>Load the demo data of seeds/ on start (each loader is idempotent).</summary>
    public bool LoadSeeds { get; set; } = true;

    /// <summary>Start smtp4dev when no ForumCloud__Mail__SmtpHost is set (tests point the runner at their own SMTP server instead).</summary>
    public bool StartMailServerIfNeeded { get; set; } = true;

    /// <summary>
    /// Run queue listeners and timers (off for tests that drive functions by hand). A runner process a test starts turns
    /// them off with the setting `DevHost:RunTriggers=false` (<see cref="RunTriggersSetting"/>).
    /// </summary>
    public bool RunTriggers { get; set; } = true;

    public const string RunTriggersSetting = "DevHost:RunTriggers";

    /// <summary>Extra service registrations applied after the app's own (tests swap seams here).</summary>
    public Action<IServiceCollection>? ConfigureServices { get; set; }

    public Action<ILoggingBuilder>? ConfigureLogging { get; set; }
}

/// <summary>The local runner: the Function App's classes on Kestrel, routed and triggered from their attributes.</summary>
public sealed class DevHostApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly AzuriteProcess? _azurite;

    private DevHostApp(WebApplication app, AzuriteProcess? azurite, IReadOnlyList<FunctionDescriptor> functions, FunctionKeys keys, HostJson hostJson)
    {
        _app = app;
        HostJson = hostJson;
        _azurite = azurite;
        Functions = functions;
        Keys = keys;
    }

    public IReadOnlyList<FunctionDescriptor> Functions { get; }

    /// <summary>host.json as this runner applies it (with its AzureFunctionsJobHost__* overrides).</summary>
    public HostJson HostJson { get; }

    /// <summary>The function key this runner enforces (configured, or generated for this start).</summary>
    public FunctionKeys Keys { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>The first address Kestrel listens on, without a trailing slash.</summary>
    public string BaseUrl => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');

    /// <summary>A client for this runner that sends its function key and waits for admin runs to finish (<see cref="RunnerClientHandler"/>).</summary>
    public HttpClient CreateClient(HttpMessageHandler? inner = null) =>
        new(new RunnerClientHandler(Keys.Key, inner ?? new SocketsHttpHandler())) { BaseAddress = new Uri(BaseUrl + "/"), Timeout = TimeSpan.FromSeconds(60) };

    public static async Task<DevHostApp> StartAsync(string[] args, DevHostOptions options, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls("http://127.0.0.1:7071"); // Core Tools' port, loopback only.
        }

        // The runner's own defaults, below every other source: a local run picks up queue messages within
        // 2 seconds rather than host.json's production polling (AzureFunctionsJobHost__* overrides, as in the host).
        ((IConfigurationBuilder)builder.Configuration).Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?> { [$"{HostJson.OverrideSection}:extensions:queues:maxPollingInterval"] = "00:00:02" },
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning).AddFilter("Azure.Core", LogLevel.Warning);
        options.ConfigureLogging?.Invoke(builder.Logging);
        if (options.StorageConnectionString is not null) builder.Configuration[SettingNames.Storage] = options.StorageConnectionString;
        builder.Configuration[SettingNames.Storage] ??= builder.Configuration.GetSection(SettingNames.Storage).GetChildren().Any() ? null : "UseDevelopmentStorage=true";

        var azurite = options.StartAzuriteIfNeeded ? await LocalAzurite.EnsureRunningAsync(builder.Configuration[SettingNames.Storage], cancellationToken) : null;
        var mailServer = options.StartMailServerIfNeeded ? await Smtp4devProcess.StartIfNoHostAsync(builder.Configuration, cancellationToken) : null;
        try
        {
            var hostJson = HostJson.Load(Path.Combine(AppContext.BaseDirectory, "host.json"), builder.Configuration);
            var functions = FunctionCatalog.Select(FunctionCatalog.Discover(AssembliesFrom(builder.Configuration) ?? options.FunctionAssemblies), hostJson.Functions);
            functions.ToList().ForEach(FunctionInvoker.EnsureBindable);

            var keys = FunctionKeys.FromConfiguration(builder.Configuration);
            builder.Services.AddForumCloud(builder.Configuration);
            // What the worker's ASP.NET Core integration registers (it calls AddMvc): the executors of ordinary IActionResults.
            builder.Services.AddMvcCore();
            builder.Services.AddLocalDirectLine(builder.Configuration);
            builder.Services.AddSingleton<FunctionInvoker>();
            builder.Services.AddSingleton<ManualRuns>();
            builder.Services.AddSingleton(functions);
            if (options.RunTriggers && builder.Configuration.GetValue(DevHostOptions.RunTriggersSetting, true)) TriggerServices.Add(builder.Services, functions, hostJson, builder.Configuration);
            options.ConfigureServices?.Invoke(builder.Services);

            var app = builder.Build();
            if (mailServer is not null) app.Lifetime.ApplicationStopped.Register(() => mailServer.DisposeAsync().AsTask().GetAwaiter().GetResult());
            HttpFunctionRoutes.Map(app, functions, hostJson.RoutePrefix, keys);
            AdminEndpoints.Map(app, functions, keys);
            app.MapLocalDirectLine();

            var storage = app.Services.GetRequiredService<StorageAccount>();
            await StorageProvisioner.EnsureAsync(storage, cancellationToken);
            if (options.LoadSeeds)
            {
                foreach (var seed in app.Services.GetServices<ISeedLoader>()) await seed.LoadAsync(cancellationToken);
            }

            await app.StartAsync(cancellationToken);
            return new DevHostApp(app, azurite, functions, keys, hostJson);
        }
        catch
        {
            if (azurite is not null) await azurite.DisposeAsync();
            if (mailServer is not null) await mailServer.DisposeAsync();
            throw;
        }
    }

    /// <summary>`DevHost:FunctionAssemblies:0..n` (paths) replaces the hosted assemblies, for a runner process a test starts.</summary>
    private static List<Assembly>? AssembliesFrom(IConfiguration configuration)
    {
        var paths = configuration.GetSection("DevHost:FunctionAssemblies").GetChildren().Select(c => c.Value).OfType<string>().ToList();
        return paths.Count == 0 ? null : paths.Select(p => Assembly.LoadFrom(Path.GetFullPath(p, AppContext.BaseDirectory))).ToList();
    }

    public Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (_azurite is not null) await _azurite.DisposeAsync();
    }
}
