using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;

namespace ForumCloud.Functions.Platform;

/// <summary>
/// The storage account the app runs on, read the way the Functions host reads AzureWebJobsStorage:
/// a connection string (locally: Azurite), or identity-based settings in Azure
/// (`AzureWebJobsStorage__tableServiceUri`, `__queueServiceUri`, `__credential`, `__clientId`).
/// </summary>
public sealed class StorageAccount
{
    private readonly QueueServiceClient _rawQueues;

    private StorageAccount(TableServiceClient tables, QueueServiceClient queues, QueueServiceClient rawQueues)
    {
        Tables = tables;
        Queues = queues;
        _rawQueues = rawQueues;
    }

    public TableServiceClient Tables { get; }

    public QueueServiceClient Queues { get; }

    public TableClient Table(string name) => Tables.GetTableClient(name);

    /// <summary>A queue client that base64-encodes what it sends and decodes what it receives.</summary>
    public QueueClient Queue(string name) => Queues.GetQueueClient(name);

    /// <summary>A queue client that sees message text as stored (the local runner decodes as host.json says).</summary>
    public QueueClient RawQueue(string name) => _rawQueues.GetQueueClient(name);

    /// <param name="connection">
    /// The setting that names the account, as a trigger's `Connection` does: a connection string, or
    /// identity-based `{connection}__*ServiceUri` settings. AzureWebJobsStorage by default.
    /// </param>
    public static StorageAccount FromConfiguration(IConfiguration configuration, string? connection = null)
    {
        connection ??= SettingNames.Storage;
        var connectionString = configuration[connection];
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            return FromConnectionString(connectionString);
        }

        var section = configuration.GetSection(connection);
        var tableUri = section["tableServiceUri"];
        var queueUri = section["queueServiceUri"];
        if ((string.IsNullOrWhiteSpace(tableUri) || string.IsNullOrWhiteSpace(queueUri)) && connection != SettingNames.Storage)
        {
            throw new InvalidOperationException($"The storage connection '{connection}' is not configured (neither a connection string nor {connection}__tableServiceUri and __queueServiceUri).");
        }

        if (string.IsNullOrWhiteSpace(tableUri) || string.IsNullOrWhiteSpace(queueUri))
        {
            // The local default, as with Core Tools' local.settings.json.
            return FromConnectionString("UseDevelopmentStorage=true");
        }

        var credential = Credential(section);
        return new StorageAccount(
            new TableServiceClient(new Uri(tableUri), credential, TableOptions()),
            new QueueServiceClient(new Uri(queueUri), credential, QueueOptions(emulator: false, QueueMessageEncoding.Base64)),
            new QueueServiceClient(new Uri(queueUri), credential, QueueOptions(emulator: false, QueueMessageEncoding.None)));
    }

    /// <param name="configure">Adjusts every client's options (tests add fault-injecting pipeline policies here).</param>
    public static StorageAccount FromConnectionString(string connectionString, Action<ClientOptions>? configure = null)
    {
        var emulator = IsEmulator(connectionString);
        T With<T>(T options)
            where T : ClientOptions
        {
            configure?.Invoke(options);
            return options;
        }

        return new StorageAccount(
            new TableServiceClient(connectionString, With(TableOptions())),
            new QueueServiceClient(connectionString, With(QueueOptions(emulator, QueueMessageEncoding.Base64))),
            new QueueServiceClient(connectionString, With(QueueOptions(emulator, QueueMessageEncoding.None))));
    }

    public static bool IsEmulator(string connectionString) =>
        connectionString.Contains("UseDevelopmentStorage=true", StringComparison.OrdinalIgnoreCase)
        || connectionString.Contains("devstoreaccount1", StringComparison.OrdinalIgnoreCase);

    /// <summary>The credential identity-based settings name (`__credential`, `__clientId`), as the Functions host reads them.</summary>
    public static TokenCredential Credential(IConfigurationSection section) => CredentialFor(section["credential"], section["clientId"]);

    private static TokenCredential CredentialFor(string? credential, string? clientId) =>
        string.Equals(credential, "managedidentity", StringComparison.OrdinalIgnoreCase)
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId ?? throw new InvalidOperationException(
                $"{SettingNames.Storage}__clientId is required when {SettingNames.Storage}__credential is managedidentity.")))
            : new DefaultAzureCredential();

    private static TableClientOptions TableOptions()
    {
        var options = new TableClientOptions();
        StorageRetry.Apply(options.Retry);
        return options;
    }

    private static QueueClientOptions QueueOptions(bool emulator, QueueMessageEncoding encoding)
    {
        // Azurite 3.37 refuses the SDK's newest API version unless started with --skipApiVersionCheck;
        // pinning the version it knows lets the app run against an Azurite someone started by hand.
        var options = emulator
            ? new QueueClientOptions(QueueClientOptions.ServiceVersion.V2026_06_06) { MessageEncoding = encoding }
            : new QueueClientOptions { MessageEncoding = encoding };
        StorageRetry.Apply(options.Retry);
        return options;
    }
}
