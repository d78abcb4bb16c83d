using System.Text.Json.Nodes;
using ForumCloud.Functions.Filings;
using ForumCloud.Functions.Platform;
using ForumCloud.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ForumCloud.Tests.Filings;

/// <summary>
/// The app's own service graph over the shared Azurite, with a certificate counter in a partition of
/// the test's own, so its numbers can be checked as 1..N while other tests take numbers too.
/// Records are written directly (not submitted), so the shared runner's queue listener never sees them.
/// They belong to a staff-approved applicant; with <c>autoRegister</c> the graph runs with
/// ForumCloud__Filings__AutoRegister=verified-applicants, so free filings are registered by the processor.
/// </summary>
public sealed class FilingTestServices
{
    private FilingTestServices(ServiceProvider services, string counterPartition)
    {
        Services = services;
        CounterPartition = counterPartition;
    }

    public TestApplicant Applicant { get; private set; } = null!;

    public ServiceProvider Services { get; }

    public string CounterPartition { get; }

    public StorageAccount Storage => Services.GetRequiredService<StorageAccount>();

    public FilingStore Store => Services.GetRequiredService<FilingStore>();

    public FilingProcessor Processor => Services.GetRequiredService<FilingProcessor>();

    public CertificateCounter Counter => Services.GetRequiredService<CertificateCounter>();

    public static async Task<FilingTestServices> CreateAsync(TimeProvider? clock = null, bool autoRegister = true)
    {
        var connection = await SharedAzurite.ConnectionStringAsync();
        await SharedAzurite.StorageAsync();
        var settings = new Dictionary<string, string?> { [SettingNames.Storage] = connection };
        if (autoRegister) settings[SettingNames.ConfigKey(SettingNames.FilingsAutoRegister)] = "verified-applicants";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var partition = Unique.Slug("certificate");
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddForumCloud(configuration);
        if (clock is not null) services.AddSingleton(clock);
        services.AddSingleton(sp => new CertificateCounter(sp.GetRequiredService<StorageAccount>(), sp.GetRequiredService<TimeProvider>(), partition));
        var created = new FilingTestServices(services.BuildServiceProvider(), partition);
        created.Applicant = await ApplicantApi.VerifiedAsync(created.Services.GetRequiredService<ApplicantRegistry>(), created.Storage, FilingSamples.PublishedUsccs[0], approve: true);
        return created;
    }

    public CertificateCounter NewCounterInstance() => new(Storage, TimeProvider.System, CounterPartition);

    /// <summary>Stores a submitted filing as the submission would (without enqueuing it).</summary>
    public async Task<FilingRecord> StoreSubmittedAsync(JsonObject? body = null)
    {
        var details = FilingValidation.Validate(FilingSamples.Request(body ?? FilingSamples.Body()), BeijingTime.Today(TimeProvider.System));
        var now = DateTimeOffset.UtcNow;
        var record = new FilingRecord
        {
            FilingId = Ids.New("fil"),
            Details = details,
            SubmittedAt = now,
            AccessTokenHash = Secrets.Hash(Secrets.NewToken()),
            ApplicantId = Applicant.ApplicantId,
            Status = FilingStatus.Submitted,
            DecisionDueBy = BeijingTime.DateOf(now).AddDays(3),
        };
        await Store.CreateAsync(record, new FilingHistoryEntry(now, FilingStatus.Submitted, "applicant", "Filing submitted."), CancellationToken.None);
        return record;
    }

    public async Task<(FilingRecord Record, IReadOnlyList<FilingHistoryEntry> History)> ReadAsync(string filingId) =>
        (await Store.FindWithHistoryAsync(filingId, CancellationToken.None))!.Value;
}

/// <summary>A clock standing at a chosen instant.</summary>
public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
