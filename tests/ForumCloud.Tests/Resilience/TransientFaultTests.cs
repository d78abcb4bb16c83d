using Azure.Core;
using Azure.Data.Tables;
using ForumCloud.Functions.Platform;
using ForumCloud.Tests.Infrastructure;

namespace ForumCloud.Tests.Resilience;

/// <summary>Transient storage errors are retried by the SDK clients' retry options, without duplicate writes.</summary>
public sealed class TransientFaultTests
{
    [Fact]
    public async Task Table_writes_that_meet_503s_are_retried_and_stored_once()
    {
        var policy = new TransientFaultPolicy(m => m.Request.Method != RequestMethod.Get, failuresPerRequest: 2);
        var storage = StorageAccount.FromConnectionString(await SharedAzurite.ConnectionStringAsync(), o => o.AddPolicy(policy, HttpPipelinePosition.PerRetry));
        var table = storage.Table(TableNames.Counters);
        var partition = "transient-" + Guid.NewGuid().ToString("N");

        await table.AddEntityAsync(new TableEntity(partition, "a") { ["Value"] = 1 });
        await table.UpsertEntityAsync(new TableEntity(partition, "b") { ["Value"] = 2 });

        Assert.Equal(4, policy.Injected);
        var rows = await table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}")).ToListAsync();
        Assert.Equal(["a", "b"], rows.Select(r => r.RowKey).Order());
    }

    [Fact]
    public async Task Queue_sends_that_meet_503s_are_retried_and_sent_once()
    {
        var policy = new TransientFaultPolicy(m => m.Request.Method == RequestMethod.Post, failuresPerRequest: 2);
        var storage = StorageAccount.FromConnectionString(await SharedAzurite.ConnectionStringAsync(), o => o.AddPolicy(policy, HttpPipelinePosition.PerRetry));
        var queue = storage.Queue("transient-" + Guid.NewGuid().ToString("N")[..12]);
        await queue.CreateAsync();

        await QueueMessages.SendAsync(queue, new { id = "once" }, CancellationToken.None);

        Assert.Equal(2, policy.Injected);
        Assert.Single((await queue.PeekMessagesAsync(32)).Value);
        await queue.DeleteAsync();
    }

    [Fact]
    public async Task A_fault_that_outlasts_the_retries_surfaces_as_an_outage_not_a_bug()
    {
        var policy = new TransientFaultPolicy(_ => true, failuresPerRequest: int.MaxValue);
        var storage = StorageAccount.FromConnectionString(await SharedAzurite.ConnectionStringAsync(), o => o.AddPolicy(policy, HttpPipelinePosition.PerRetry));

        var error = await Assert.ThrowsAnyAsync<Exception>(() => storage.Table(TableNames.Counters).AddEntityAsync(new TableEntity("x", "y")));

        Assert.True(StorageFaults.IsOutage(error));
        Assert.Equal(4, policy.Injected); // the first try and the three retries of StorageRetry
    }
}
