using Azure.Core;

namespace ForumCloud.Functions.Platform;

/// <summary>
/// Retry policy for every storage client: a few quick exponential retries for transient faults, kept
/// short so an HTTP caller gets a 503 with Retry-After rather than a hung request during an outage.
/// </summary>
public static class StorageRetry
{
    public static void Apply(RetryOptions retry)
    {
        retry.Mode = RetryMode.Exponential;
        retry.MaxRetries = 3;
        retry.Delay = TimeSpan.FromMilliseconds(200);
        retry.MaxDelay = TimeSpan.FromSeconds(2);
        retry.NetworkTimeout = TimeSpan.FromSeconds(10);
    }
}
