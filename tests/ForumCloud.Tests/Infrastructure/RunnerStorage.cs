using System.Collections.Concurrent;
using ForumCloud.Functions.Platform;

namespace ForumCloud.Tests.Infrastructure;

/// <summary>
/// The storage behind each runner the tests started, by its base address: lets a helper read what the app wrote
/// (a verification link in the outbox) instead of waiting for a mail that queues behind every other test's mail.
/// </summary>
public static class RunnerStorage
{
    private static readonly ConcurrentDictionary<string, StorageAccount> ByAddress = new(StringComparer.OrdinalIgnoreCase);

    public static void Register(Uri baseAddress, StorageAccount storage) => ByAddress[Key(baseAddress)] = storage;

    public static StorageAccount? Of(Uri? baseAddress) => baseAddress is not null && ByAddress.TryGetValue(Key(baseAddress), out var storage) ? storage : null;

    private static string Key(Uri address) => address.GetLeftPart(UriPartial.Authority);
}
