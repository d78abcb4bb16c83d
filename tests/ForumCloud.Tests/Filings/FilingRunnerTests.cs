using System.Net.Http.Json;
using System.Text.Json;
using ForumCloud.DevHost;
using ForumCloud.Functions.Filings;
using ForumCloud.Functions.Platform;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Moq;

namespace ForumCloud.Tests.Filings;

/// <summary>
/// The pipeline in a runner of its own, over an Azurite of its own (so that certificate numbers start
/// at 1 and its failing screening seam cannot touch other tests' filings).
/// </summary>
public sealed class FilingRunnerTests : IAsyncLifetime
{
    private const string FailingTechnology = "FAIL-SEAM catalogue outage";
    private Infrastructure.PrivateRunner _runner = null!;
    private int _failedScreenings;

    public async Task InitializeAsync()
    {
        var real = new FilingScreening(TechnologyCatalogue.LoadSeed(), new EnglishTerms());
        var screening = new Mock<IFilingScreening>();
        screening.Setup(s => s.Screen(It.IsAny<FilingDirection>(), It.Is<TechnologyDetails>(t => t.Name == FailingTechnology)))
            .Callback(() => Interlocked.Increment(ref _failedScreenings))
            .Throws(new InvalidOperationException("The catalogue service is unavailable."));
        screening.Setup(s => s.Screen(It.IsAny<FilingDirection>(), It.Is<TechnologyDetails>(t => t.Name != FailingTechnology)))
            .Returns((FilingDirection d, TechnologyDetails t) => real.Screen(d, t));

        // ForumCloud__Filings__AutoRegister=verified-applicants: free filings of a staff-approved applicant take their numbers unattended.
        var autoRegister = new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [SettingNames.ConfigKey(SettingNames.FilingsAutoRegister)] = AutoRegistration.VerifiedApplicants }).Build();
        _runner = await Infrastructure.PrivateRunner.StartAsync((options, _) => options.ConfigureServices = services => services
            .AddSingleton(screening.Object)
            .AddSingleton(sp => new AutoRegistration(autoRegister, sp.GetRequiredService<ApplicantRegistry>())));
    }

    public async Task DisposeAsync() => await _runner.DisposeAsync();

    [Fact]
    public async Task A_filing_whose_processing_always_fails_is_tried_five_times_then_poisoned_and_marked_processing_failed()
    {
        var (id, token) = await FilingSamples.SubmitAsync(_runner.Http, FilingSamples.Body(technology: FailingTechnology));

        var filing = await Infrastructure.Eventually.ValueAsync(() => FilingSamples.GetAsync(_runner.Http, id, token),
            f => f.GetProperty("status").GetString() == "processing-failed", TimeSpan.FromSeconds(90), "the filing to be marked processing-failed");

        Assert.Equal(_runner.App.HostJson.Queues.MaxDequeueCount, _failedScreenings);
        // The applicant reads that it failed, not the exception's text; staff read the error.
        Assert.Equal(FilingViews.ApplicantFailureReason, filing.GetProperty("failureReason").GetString());
        var last = filing.GetProperty("history").EnumerateArray().Last();
        Assert.Equal(("processing-failed", FilingViews.ApplicantFailureReason), (last.GetProperty("status").GetString(), last.GetProperty("note").GetString()));
        Assert.DoesNotContain("catalogue service", filing.GetRawText(), StringComparison.OrdinalIgnoreCase);
        var staffView = System.Text.Json.JsonDocument.Parse(await _runner.Http.GetStringAsync($"api/staff/filings/{id}")).RootElement;
        Assert.Contains("The catalogue service is unavailable.", staffView.GetProperty("failureReason").GetString());
        var storage = _runner.Storage;
        Assert.Empty((await storage.Queue(QueueNames.Filings).PeekMessagesAsync(32)).Value);
    }

    [Fact]
    public async Task Many_filings_processed_concurrently_take_certificate_numbers_1_to_N_exactly_once()
    {
        const int count = 40;
        var applicant = await ApplicantApi.VerifiedAsync(_runner.Http, approve: true);
        var submitted = await Task.WhenAll(Enumerable.Range(0, count).Select(_ => FilingSamples.SubmitAsync(_runner.Http, FilingSamples.Body(uscc: applicant.Uscc), applicant)));
        var filings = await Task.WhenAll(submitted.Select(s => FilingSamples.WaitProcessedAsync(_runner.Http, s.FilingId, s.Token)));

        var year = BeijingTime.Today(TimeProvider.System).Year;
        var numbers = filings.Select(f => f.GetProperty("certificateNumber").GetString()).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(Enumerable.Range(1, count).Select(n => $"{year}-E-{n:D6}"), numbers);

        // Redelivering every message changes nothing and takes no new number.
        var storage = _runner.Storage;
        foreach (var (id, _) in submitted) await QueueMessages.SendAsync(storage.Queue(QueueNames.Filings), new FilingWork(id), CancellationToken.None);
        await Infrastructure.Eventually.TrueAsync(async () => (await storage.Queue(QueueNames.Filings).GetPropertiesAsync()).Value.ApproximateMessagesCount == 0, what: "the redelivered messages to be consumed");
        var after = await Task.WhenAll(submitted.Select(s => FilingSamples.GetAsync(_runner.Http, s.FilingId, s.Token)));
        Assert.Equal(numbers, after.Select(f => f.GetProperty("certificateNumber").GetString()).Order(StringComparer.Ordinal).ToList());
        Assert.All(after, f => Assert.Equal(3, f.GetProperty("history").GetArrayLength()));

        var list = await _runner.Http.GetFromJsonAsync<JsonElement>("api/staff/filings?status=registered&pageSize=100");
        Assert.Equal(count, list.GetProperty("items").GetArrayLength());
    }
}
