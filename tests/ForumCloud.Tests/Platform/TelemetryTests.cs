using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text;
using Azure.Data.Tables;
using ForumCloud.Functions.Platform;
using ForumCloud.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ForumCloud.Tests.Platform;

/// <summary>
/// The worker's telemetry as Program wires it, sent to a stand-in Application Insights ingestion endpoint
/// on loopback (the connection string's IngestionEndpoint): custom events and Azure SDK dependencies arrive.
/// </summary>
public sealed class TelemetryTests
{
    [Fact]
    public void A_custom_event_is_a_log_record_carrying_the_name_application_insights_reads()
    {
        var logger = new StateLogger();
        new ForumTelemetry(new Logger<ForumTelemetry>(new SingleLoggerFactory(logger))).Event("FilingSubmitted", ("direction", "export"), ("count", 1));

        var state = Assert.Single(logger.States);
        Assert.Contains(new KeyValuePair<string, object?>(ForumTelemetry.EventNameAttribute, "FilingSubmitted"), state);
        Assert.Contains(new KeyValuePair<string, object?>("direction", "export"), state);
    }

    [Fact]
    public void The_authentication_string_infra_sets_names_the_managed_identity()
    {
        Assert.IsType<Azure.Identity.ManagedIdentityCredential>(ForumTelemetry.Credential("ClientId=11111111-2222-3333-4444-555555555555;Authorization=AAD"));
        Assert.IsType<Azure.Identity.ManagedIdentityCredential>(ForumTelemetry.Credential("Authorization=AAD"));
        Assert.Null(ForumTelemetry.Credential(null));
        Assert.Null(ForumTelemetry.Credential("ClientId=1"));
    }

    [Fact]
    public void Without_a_connection_string_nothing_is_exported()
    {
        var services = new ServiceCollection();
        Assert.False(ForumTelemetry.Export(services.AddOpenTelemetry(), new ConfigurationBuilder().Build(), "host.json"));
    }

    [Fact]
    public async Task With_a_connection_string_custom_events_and_storage_dependencies_reach_the_ingestion_endpoint()
    {
        var received = new ConcurrentQueue<string>();
        await using var ingestion = await IngestionStandInAsync(received);
        var connectionString = $"InstrumentationKey=00000000-0000-0000-0000-000000000001;IngestionEndpoint={ingestion.Urls.First()}/";

        var builder = Host.CreateApplicationBuilder();
        builder.Configuration[SettingNames.ApplicationInsightsConnectionString] = connectionString;
        builder.Services.AddSingleton<ForumTelemetry>();

        // Sampling off: the tracer sees every Azure SDK call of this test process (other tests run alongside),
        // and host.json's rate limit would drop this test's spans among theirs.
        var hostJson = Path.Combine(Path.GetTempPath(), $"host-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(hostJson, """{"version":"2.0","logging":{"applicationInsights":{"samplingSettings":{"isEnabled":false}}}}""");
        Assert.True(ForumTelemetry.Export(builder.Services.AddOpenTelemetry(), builder.Configuration, hostJson));
        File.Delete(hostJson);

        var tableName = "telemetryprobe" + Guid.NewGuid().ToString("N")[..8];
        using (var host = builder.Build())
        {
            await host.StartAsync();
            host.Services.GetRequiredService<ForumTelemetry>().Event("TelemetryProbe", ("eventId", "zgc-forum-2027"));
            var table = new TableClient(await SharedAzurite.ConnectionStringAsync(), tableName);
            await table.CreateAsync();
            await table.DeleteAsync();
            await host.StopAsync();
        } // disposing the providers flushes the exporter

        // The event by its name; a table call as a dependency (the SDK names the operation, not the table).
        var lines = await Eventually.ValueAsync(() => Task.FromResult(received.SelectMany(body => body.Split('\n')).ToList()),
            all => all.Any(l => l.Contains("TelemetryProbe", StringComparison.Ordinal)) && all.Any(l => l.Contains("RemoteDependencyData", StringComparison.Ordinal) && l.Contains("Microsoft.Tables", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30), "the event and a table dependency to be exported");
        Assert.Contains(lines, l => l.Contains("\"EventData\"", StringComparison.Ordinal) && l.Contains("TelemetryProbe", StringComparison.Ordinal) && l.Contains("zgc-forum-2027", StringComparison.Ordinal));
    }

    private static async Task<WebApplication> IngestionStandInAsync(ConcurrentQueue<string> received)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/v2.1/track", async (HttpRequest request) =>
        {
            Stream body = request.Headers.ContentEncoding == "gzip" ? new GZipStream(request.Body, CompressionMode.Decompress) : request.Body;
            using var reader = new StreamReader(body, Encoding.UTF8);
            received.Enqueue(await reader.ReadToEndAsync());
            return Results.Json(new { itemsReceived = 1, itemsAccepted = 1, errors = Array.Empty<object>() });
        });
        await app.StartAsync();
        return app;
    }

    private sealed class StateLogger : ILogger
    {
        public List<IReadOnlyList<KeyValuePair<string, object?>>> States { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (state is IReadOnlyList<KeyValuePair<string, object?>> pairs) States.Add(pairs);
        }
    }

    private sealed class SingleLoggerFactory(ILogger logger) : ILoggerFactory
    {
        public void AddProvider(ILoggerProvider provider)
        {
        }

        public ILogger CreateLogger(string categoryName) => logger;

        public void Dispose()
        {
        }
    }
}
