using System.Net;
using System.Net.Http.Json;
using ForumCloud.Functions.Mandate;
using ForumCloud.Tests.Infrastructure;

namespace ForumCloud.Tests.Mandate;

/// <summary>Refused questions counted in Table Storage (Azurite) and listed on the staff route.</summary>
public sealed class UnansweredQuestionsTests
{
    [Fact]
    public async Task Concurrent_counts_of_one_question_on_two_logs_lose_nothing()
    {
        // Two logs over one table stand for two instances: only the row's ETag keeps their counts apart.
        var storage = await SharedAzurite.StorageAsync();
        await ForumCloud.Functions.Platform.StorageProvisioner.EnsureAsync(storage, CancellationToken.None);
        var (first, second) = (new UnansweredQuestionLog(storage), new UnansweredQuestionLog(storage));
        var question = "how many dumplings " + Guid.NewGuid().ToString("N");

        await Task.WhenAll(Enumerable.Range(0, 24).Select(i => (i % 2 == 0 ? first : second).RecordAsync(question, DateTimeOffset.UtcNow, CancellationToken.None)));

        var listed = (await first.ListAsync(100, CancellationToken.None)).Questions.Single(q => q.Question == question);
        Assert.Equal(24, listed.Count);
    }

    [SkippableFact]
    public async Task The_staff_route_lists_refused_questions_most_asked_first_without_personal_data()
    {
        Skip.If(SharedRunner.ExternalBaseUrl is not null, "Needs a runner of its own (an empty table to rank).");
        await using var runner = await PrivateRunner.StartAsync();
        foreach (var question in new[] { "Which gym is open late near ZGC?", "which gym is open late near zgc", "Tell me a joke, my mail is bob@example.com" })
        {
            var reply = await Problems.JsonAsync(await runner.Http.PostAsJsonAsync("api/ask", new { question }), HttpStatusCode.OK);
            Assert.False(reply.GetProperty("answered").GetBoolean(), question);
        }

        await Problems.JsonAsync(await runner.Http.PostAsJsonAsync("api/ask", new { question = "Who prepares the Zhongguancun Forum?" }), HttpStatusCode.OK);

        var page = await Problems.JsonAsync(await runner.Http.GetAsync("api/staff/mandate/unanswered?pageSize=10"), HttpStatusCode.OK);
        var questions = page.GetProperty("questions").EnumerateArray().ToList();
        Assert.Equal(2, page.GetProperty("distinct").GetInt32());
        Assert.Equal("which gym is open late near zgc", questions[0].GetProperty("question").GetString());
        Assert.Equal(2, questions[0].GetProperty("count").GetInt32());
        Assert.Equal("tell me a joke my mail is [email]", questions[1].GetProperty("question").GetString());
        Assert.EndsWith("+08:00", questions[0].GetProperty("lastSeen").GetString());

        await Problems.AssertProblemAsync(await runner.Http.GetAsync("api/staff/mandate/unanswered?pageSize=0"), HttpStatusCode.BadRequest);
    }
}
