using System.Net;
using ForumCloud.Functions.Partners;
using ForumCloud.Functions.Platform;
using ForumCloud.Tests.Infrastructure;

namespace ForumCloud.Tests.Partners;

/// <summary>Transitions racing from the same version: storage (ETag + history row key) lets exactly one commit.</summary>
public sealed class ConcurrencyTests
{
    [Fact]
    public async Task Concurrent_transitions_with_the_same_version_over_http_exactly_one_wins()
    {
        var http = await SharedRunner.ClientAsync();
        var (partnerId, token) = await PartnerApi.RegisterAsync(http, "JP");
        var id = await PartnerApi.CreateCooperationAsync(http, partnerId, token);

        // Rounds of sixteen staff requests from the same version: review, return for corrections, review, ...
        var version = 1;
        for (var round = 0; round < 6; round++)
        {
            var to = round % 2 == 0 ? "under-review" : "proposed";
            var responses = await RaceAsync(16, () => PartnerApi.TransitionAsync(http, id, to, version, "Racing."));
            AssertExactlyOneWon(responses);
            version++;
        }

        // Then the record is closed by twelve staff members at once, in different ways.
        version = await PartnerApi.WalkAsync(http, id, ["under-review", "signed", "active"], version);
        var targets = new[] { "completed", "terminated", "expired" };
        var closing = await RaceAsync(12, i => PartnerApi.TransitionAsync(http, id, targets[i % 3], version, "Closing the agreement."));
        AssertExactlyOneWon(closing);

        var winner = await Problems.JsonAsync(closing.Single(r => r.StatusCode == HttpStatusCode.OK), HttpStatusCode.OK);
        var after = await PartnerApi.StaffGetAsync(http, id);
        Assert.Equal(version + 1, after.GetProperty("version").GetInt32());
        Assert.Equal(winner.GetProperty("status").GetString(), after.GetProperty("status").GetString());
        Assert.Equal(version + 1, after.GetProperty("history").GetArrayLength());
    }

    private static Task<HttpResponseMessage[]> RaceAsync(int racers, Func<Task<HttpResponseMessage>> send) => RaceAsync(racers, _ => send());

    private static async Task<HttpResponseMessage[]> RaceAsync(int racers, Func<int, Task<HttpResponseMessage>> send)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = Enumerable.Range(0, racers).Select(i => Task.Run(async () =>
        {
            await start.Task;
            return await send(i);
        })).ToArray();
        start.SetResult();
        return await Task.WhenAll(tasks);
    }

    private static void AssertExactlyOneWon(HttpResponseMessage[] responses)
    {
        var statuses = responses.Select(r => (int)r.StatusCode).ToArray();
        Assert.Equal(1, statuses.Count(s => s == 200));
        Assert.Equal(responses.Length - 1, statuses.Count(s => s == 412));
    }

    [Fact]
    public async Task Concurrent_transitions_against_azurite_directly_exactly_one_commits_and_one_history_row_is_written()
    {
        var storage = await SharedAzurite.StorageAsync();
        var partners = PartnerApi.Registry(storage);
        var book = new CooperationBook(storage, partners, TimeProvider.System);
        var (created, createdToken) = await PartnerApi.AddVerifiedAsync(partners, new PartnerCreate("Concurrency University", null, "FR", PartnerType.University, null, "a@example.org"));
        var partner = await partners.OpenAsync(created.PartnerId, createdToken, CancellationToken.None);
        var cooperation = await book.CreateAsync(partner, new CooperationCreate("Race", CooperationType.Mou, ["ai"], null, "2026-01-01", null, "A race."), "test", CancellationToken.None);

        for (var round = 0; round < 5; round++)
        {
            var version = round + 1;
            var to = round % 2 == 0 ? CooperationStatus.UnderReview : CooperationStatus.Proposed;
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var racers = Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
            {
                await start.Task;
                try
                {
                    await book.TransitionAsync(cooperation.CooperationId, to, $"racer {i}", version, $"racer {i}", CancellationToken.None);
                    return 200;
                }
                catch (ProblemException ex)
                {
                    return ex.Status;
                }
            })).ToArray();
            start.SetResult();
            var outcomes = await Task.WhenAll(racers);

            Assert.Equal(1, outcomes.Count(o => o == 200));
            Assert.All(outcomes.Where(o => o != 200), o => Assert.Equal(412, o));
        }

        var (record, _, history) = (await book.FindAsync(cooperation.CooperationId, CancellationToken.None))!.Value;
        Assert.Equal(6, record.Version);
        Assert.Equal(CooperationStatus.UnderReview, record.Status);
        Assert.Equal(Enumerable.Range(1, 6), history.Select(h => h.Version));
        Assert.Equal(history.Skip(1).Select(h => h.From), history.SkipLast(1).Select(h => (CooperationStatus?)h.To));
    }
}
