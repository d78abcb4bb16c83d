using System.Text.Json;
using Azure.Storage.Queues;

namespace ForumCloud.Functions.Platform;

/// <summary>
/// Queue messages are small JSON documents; the queue clients encode them as base64 (see
/// <see cref="StorageAccount"/>), which is what the Functions queue trigger decodes by default.
/// </summary>
public static class QueueMessages
{
    public static string Serialize<T>(T message) => JsonSerializer.Serialize(message, ApiJson.Options);

    public static Task SendAsync<T>(QueueClient queue, T message, CancellationToken cancellationToken) =>
        queue.SendMessageAsync(Serialize(message), cancellationToken);

    /// <summary>A message that becomes visible only after <paramref name="delay"/> (a retry with backoff).</summary>
    public static Task SendAsync<T>(QueueClient queue, T message, TimeSpan delay, CancellationToken cancellationToken) =>
        queue.SendMessageAsync(Serialize(message), delay > TimeSpan.Zero ? delay : null, cancellationToken: cancellationToken);

    /// <summary>Parses a message a trigger received; a message that does not parse is a poison message.</summary>
    public static T Parse<T>(string text)
        where T : class =>
        JsonSerializer.Deserialize<T>(text, ApiJson.Options)
            ?? throw new InvalidOperationException($"Queue message is not a {typeof(T).Name}.");
}
