using System.Reflection;
using ForumCloud.Functions.Platform;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace ForumCloud.DevHost;

public sealed class DevHostOptions
{
    /// <summary>Assemblies whose functions are hosted; ForumCloud.Functions by default.</summary>
    public List<Assembly> FunctionAssemblies { get; } = [typeof(ServiceRegistration).Assembly];

    /// <summary>Overrides AzureWebJobsStorage (tests pass their Azurite's connection string).</summary>
    public string? StorageConnectionString { get; set; }

    /// <summary>Start Azurite when the storage is the emulator and nothing answers on its ports.</summary>
    public bool StartAzuriteIfNeeded { get; set; } = true;

    /// <summary>Load the demo data of seeds/ on start (each loader is idempotent).</summary>
    public bool LoadSeeds { get; set; } = true;

    /// <summary>Run queue listeners and timers (off for tests that drive functions by hand).</summary>
    public bool RunTriggers { get; set; } = true;

    /// <summary>Extra service registrations applied after the app's own (tests swap seams here).</summary>
    public Action<IServiceCollection>? ConfigureServices { get; set; }

    public Action<ILoggingBuilder>? ConfigureLogging { get; set; }
}

/// <summary>The local runner: the Function App's classes on Kestrel, routed and triggered from their attributes.</summary>
public sealed class DevHostApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly AzuriteProcess? _azurite;

    private DevHostApp(WebApplication app, AzuriteProcess? azurite, IReadOnlyList<FunctionDescriptor> functions)
    {
        _app = app;
        _azurite = azurite;
        Functions = functions;
    }

    public IReadOnlyList<FunctionDescriptor> Functions { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>The first address Kestrel listens on, without a trailing slash.</summary>
    public string BaseUrl => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');

    public static async Task<DevHostApp> StartAsync(string[] args, DevHostOptions options, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls("http://127.0.0.1:7071"); // Core Tools' port, loopback only.
        }

        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning).AddFilter("Azure.Core", LogLevel.Warning);
        options.ConfigureLogging?.Invoke(builder.Logging);
        if (options.StorageConnectionString is not null) builder.Configuration[SettingNames.Storage] = options.StorageConnectionString;
        builder.Configuration[SettingNames.Storage] ??= builder.Configuration.GetSection(SettingNames.Storage).GetChildren().Any() ? null : "UseDevelopmentStorage=true";

        var azurite = options.StartAzuriteIfNeeded ? await LocalAzurite.EnsureRunningAsync(builder.Configuration[SettingNames.Storage], cancellationToken) : null;
        try
        {
            var hostJson = HostJson.Load(Path.Combine(AppContext.BaseDirectory, "host.json"));
            var functions = FunctionCatalog.Discover(options.FunctionAssemblies);
            functions.ToList().ForEach(FunctionInvoker.EnsureBindable);

            builder.Services.AddForumCloud(builder.Configuration);
            builder.Services.AddLocalDirectLine(builder.Configuration);
            builder.Services.AddSingleton<FunctionInvoker>();
            builder.Services.AddSingleton(functions);
            if (options.RunTriggers) TriggerServices.Add(builder.Services, functions, hostJson, builder.Configuration);
            options.ConfigureServices?.Invoke(builder.Services);

            var app = builder.Build();
            HttpFunctionRoutes.Map(app, functions, hostJson.RoutePrefix);
            AdminEndpoints.Map(app, functions);
            app.MapLocalDirectLine();

            var storage = app.Services.GetRequiredService<StorageAccount>();
            await StorageProvisioner.EnsureAsync(storage, cancellationToken);
            if (options.LoadSeeds)
            {
                foreach (var seed in app.Services.GetServices<ISeedLoader>()) await seed.LoadAsync(cancellationToken);
            }

            await app.StartAsync(cancellationToken);
            return new DevHostApp(app, azurite, functions);
        }
        catch
        {
            if (azurite is not null) await azurite.DisposeAsync();
            throw;
        }
    }

    public Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (_azurite is not null) await _azurite.DisposeAsync();
    }
}
