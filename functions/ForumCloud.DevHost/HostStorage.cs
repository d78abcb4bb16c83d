using Azure.Storage.Blobs;
using ForumCloud.Functions.Platform;

namespace ForumCloud.DevHost;

/// <summary>
/// The host's own storage (AzureWebJobsStorage's blob service), where the Functions host keeps its locks.
/// A connection string, or the identity-based `AzureWebJobsStorage__blobServiceUri` (+ `__credential`).
/// </summary>
internal static class HostStorage
{
    public static BlobServiceClient Blobs(IConfiguration configuration)
    {
        if (configuration[SettingNames.Storage] is { Length: > 0 } connectionString) return new BlobServiceClient(connectionString);
        var section = configuration.GetSection(SettingNames.Storage);
        var blobUri = section["blobServiceUri"] ?? throw new InvalidOperationException($"{SettingNames.Storage}__blobServiceUri is needed for the timer lock.");
        return new BlobServiceClient(new Uri(blobUri), StorageAccount.Credential(section));
    }
}
