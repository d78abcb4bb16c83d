using Azure.Data.Tables;
using ForumCloud.Functions.Filings;
using ForumCloud.Functions.Platform;

namespace ForumCloud.Tests.Filings;

/// <summary>The certificate counter against Azurite: unique, gapless, and the same number for a filing that asks again.</summary>
public sealed class CertificateCounterTests
{
    [Fact]
    public async Task Concurrent_assignments_from_two_instances_take_each_number_from_1_to_N_exactly_once()
    {
        var services = await FilingTestServices.CreateAsync();
        var instances = new[] { services.Counter, services.NewCounterInstance() };
        var filings = Enumerable.Range(0, 60).Select(_ => Ids.New("fil")).ToList();

        var numbers = await Task.WhenAll(filings.Select((id, i) => Task.Run(() => instances[i % 2].AssignAsync(id, FilingDirection.Export, CancellationToken.None))));

        var series = CertificateCounter.SeriesOf(BeijingTime.Today(TimeProvider.System).Year, FilingDirection.Export);
        Assert.Equal(Enumerable.Range(1, 60).Select(n => $"{series}-{n:D6}"), numbers.Order(StringComparer.Ordinal));
        Assert.Equal(60, await services.Counter.CurrentAsync(series, CancellationToken.None));

        // Each assignment row names its filing, and each filing's lookup row names its number.
        var table = services.Storage.Table(TableNames.Counters);
        for (var i = 0; i < filings.Count; i++)
        {
            Assert.Equal(filings[i], (await table.GetEntityAsync<TableEntity>(services.CounterPartition, numbers[i])).Value.GetString("FilingId"));
            Assert.Equal(numbers[i], await services.Counter.FindAsync(filings[i], CancellationToken.None));
        }
    }

    [Fact]
    public async Task A_filing_that_asks_again_gets_the_same_number_and_burns_none()
    {
        var services = await FilingTestServices.CreateAsync();
        var id = Ids.New("fil");
        var first = await services.Counter.AssignAsync(id, FilingDirection.Import, CancellationToken.None);
        var again = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => (i % 2 == 0 ? services.Counter : services.NewCounterInstance()).AssignAsync(id, FilingDirection.Import, CancellationToken.None)));
        var next = await services.Counter.AssignAsync(Ids.New("fil"), FilingDirection.Import, CancellationToken.None);

        Assert.EndsWith("-I-000001", first);
        Assert.All(again, n => Assert.Equal(first, n));
        Assert.EndsWith("-I-000002", next);
    }

    [Fact]
    public async Task Import_and_export_have_separate_series()
    {
        var services = await FilingTestServices.CreateAsync();
        var import = await services.Counter.AssignAsync(Ids.New("fil"), FilingDirection.Import, CancellationToken.None);
        var export = await services.Counter.AssignAsync(Ids.New("fil"), FilingDirection.Export, CancellationToken.None);
        var year = BeijingTime.Today(TimeProvider.System).Year;
        Assert.Equal($"{year}-I-000001", import);
        Assert.Equal($"{year}-E-000001", export);
    }
}
