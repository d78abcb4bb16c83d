using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using ForumCloud.DevHost;
using ForumCloud.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace ForumCloud.Tests.Runner;

/// <summary>
/// The timer lock's renewal over real storage: a held lock keeps its lease past the lease period, and a lock whose lease
/// is taken from it (broken by another party) says it is lost at its next renewal, so the instance stops firing.
/// </summary>
public sealed class TimerLockTests
{
    private static async Task<(TimerLock Lock, BlobClient Blob)> NewLockAsync()
    {
        var blobs = new BlobServiceClient(await SharedAzurite.ConnectionStringAsync());
        var timerLock = new TimerLock(blobs, "lock-test-" + Guid.NewGuid().ToString("N")[..12], "Tests.Timer", NullLogger.Instance);
        return (timerLock, blobs.GetBlobContainerClient(TimerLock.Container).GetBlobClient(timerLock.BlobName));
    }

    [Fact]
    public async Task A_held_lock_is_renewed_past_its_lease_period_and_released_when_disposed()
    {
        var (timerLock, blob) = await NewLockAsync();
        await using (var held = await timerLock.AcquireAsync(CancellationToken.None))
        {
            await Task.Delay(TimerLock.LeasePeriod + TimeSpan.FromSeconds(3));
            Assert.False(held.Token.IsCancellationRequested);
            Assert.Equal("leased", (await blob.GetPropertiesAsync()).Value.LeaseState.ToString().ToLowerInvariant());
        }

        Assert.Equal("available", (await blob.GetPropertiesAsync()).Value.LeaseState.ToString().ToLowerInvariant());
    }

    [Fact]
    public async Task A_lock_whose_lease_is_broken_says_it_is_lost_at_its_next_renewal()
    {
        var (timerLock, blob) = await NewLockAsync();
        await using var held = await timerLock.AcquireAsync(CancellationToken.None);
        await blob.GetBlobLeaseClient().BreakAsync(TimeSpan.Zero);

        var lost = Task.Delay(Timeout.Infinite, held.Token);
        var finished = await Task.WhenAny(lost, Task.Delay(TimerLock.LeasePeriod));
        Assert.Same(lost, finished);
    }
}
