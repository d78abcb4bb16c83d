using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;

namespace ForumCloud.DevHost;

/// <summary>
/// A timer function runs on one instance only, as in the Functions host: the instance that holds a lease
/// on the blob `azure-webjobs-hosts/locks/{hostId}/{entryPoint}.Listener` fires the schedule; the others
/// try again every <see cref="RetryInterval"/>. The lease lasts <see cref="LeasePeriod"/> and is renewed
/// at a third of it; a process that dies loses it when it runs out, one that stops releases it.
/// </summary>
public sealed class TimerLock(BlobServiceClient blobs, string hostId, string entryPoint, ILogger logger)
{
    public const string Container = "azure-webjobs-hosts";
    public static readonly TimeSpan LeasePeriod = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(3);

    public string BlobName => $"locks/{hostId}/{entryPoint}.Listener";

    /// <summary>Waits until this instance holds the lock; the token it returns is cancelled when the lock is lost.</summary>
    public async Task<Held> AcquireAsync(CancellationToken stoppingToken)
    {
        var blob = blobs.GetBlobContainerClient(Container).GetBlobClient(BlobName);
        var lease = blob.GetBlobLeaseClient();
        while (true)
        {
            try
            {
                await blobs.GetBlobContainerClient(Container).CreateIfNotExistsAsync(cancellationToken: stoppingToken);
                if (!await blob.ExistsAsync(stoppingToken)) await UploadEmptyAsync(blob, stoppingToken);
                await lease.AcquireAsync(LeasePeriod, cancellationToken: stoppingToken);
                return new Held(lease, logger, stoppingToken);
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // Held by another instance (or the blob is being created by one).
            }
            catch (Exception ex) when ((ex is RequestFailedException or HttpRequestException or AggregateException) && !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("Timer lock {Blob} could not be taken ({Error}); trying again", BlobName, ex.GetType().Name);
            }

            await Task.Delay(RetryInterval, stoppingToken);
        }
    }

    private static async Task UploadEmptyAsync(BlobClient blob, CancellationToken token)
    {
        try
        {
            await blob.UploadAsync(BinaryData.FromString(""), overwrite: false, token);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // Another instance created it first.
        }
    }

    /// <summary>A held lock: renewed in the background until disposed (then released) or lost.</summary>
    public sealed class Held : IAsyncDisposable
    {
        private readonly BlobLeaseClient _lease;
        private readonly ILogger _logger;
        private readonly CancellationTokenSource _lost;
        private readonly Renewal _renewal;
        private DateTime _lastRenewed = DateTime.UtcNow;

        internal Held(BlobLeaseClient lease, ILogger logger, CancellationToken stoppingToken)
        {
            _lease = lease;
            _logger = logger;
            _lost = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            _renewal = new Renewal(LeasePeriod / 3, RenewAsync, KeepsLease);
        }

        /// <summary>Cancelled when the lock is lost or the host stops.</summary>
        public CancellationToken Token => _lost.Token;

        private async Task RenewAsync(CancellationToken token)
        {
            await _lease.RenewAsync(cancellationToken: token);
            _lastRenewed = DateTime.UtcNow;
        }

        /// <summary>Lost to another instance (409, 412), or storage has not answered for as long as the lease lasts.</summary>
        private bool KeepsLease(Exception ex)
        {
            var transient = ex is RequestFailedException or HttpRequestException or AggregateException;
            if (transient && ex is not RequestFailedException { Status: 409 or 412 } && DateTime.UtcNow - _lastRenewed < LeasePeriod) return true;
            _logger.LogWarning("Timer lock lost ({Error}); this instance stops firing", ex.GetType().Name);
            _ = _lost.CancelAsync(); // its callbacks off this loop, which returns at once
            return false;
        }

        public async ValueTask DisposeAsync()
        {
            await _renewal.DisposeAsync();
            try
            {
                await _lease.ReleaseAsync(); // so another instance takes over at once
            }
            catch (Exception ex) when (ex is RequestFailedException or HttpRequestException or AggregateException)
            {
                // Lost already, or storage is down: the lease runs out by itself.
            }

            _lost.Dispose();
        }
    }
}
