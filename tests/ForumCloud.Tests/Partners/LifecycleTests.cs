using System.Net;
using ForumCloud.Functions.Partners;
using ForumCloud.Tests.Infrastructure;

namespace ForumCloud.Tests.Partners;

/// <summary>
/// The lifecycle table, every (from, to) pair: once on the pure table, once over HTTP against the
/// runner and Azurite (record state, version and history checked after each attempt).
/// </summary>
public sealed class LifecycleTests
{
    private static readonly string[] Statuses = ["proposed", "under-review", "signed", "active", "completed", "terminated", "expired"];

    // Written out independently of the implementation: these seven moves, and nothing else.
    private static readonly HashSet<(string From, string To)> Legal =
    [
        ("proposed", "under-review"),
        ("under-review", "signed"),
        ("under-review", "proposed"),
        ("signed", "active"),
        ("active", "completed"),
        ("active", "terminated"),
        ("active", "expired"),
    ];

    // A legal path from a new (proposed) record to each status.
    private static readonly Dictionary<string, string[]> PathTo = new()
    {
        ["proposed"] = [],
        ["under-review"] = ["under-review"],
        ["signed"] = ["under-review", "signed"],
        ["active"] = ["under-review", "signed", "active"],
        ["completed"] = ["under-review", "signed", "active", "completed"],
        ["terminated"] = ["under-review", "signed", "active", "terminated"],
        ["expired"] = ["under-review", "signed", "active", "expired"],
    };

    private static readonly Lazy<Task<(string PartnerId, string Token)>> SharedPartner = new(async () => await PartnerApi.RegisterAsync(await SharedRunner.ClientAsync(), "SG"));

    public static TheoryData<string, string> AllPairs()
    {
        var data = new TheoryData<string, string>();
        foreach (var from in Statuses)
        {
            foreach (var to in Statuses) data.Add(from, to);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void The_table_allows_exactly_the_seven_moves(string from, string to)
    {
        var legal = CooperationLifecycle.IsLegal(Parse(from), Parse(to));
        Assert.Equal(Legal.Contains((from, to)), legal);
    }

    [Fact]
    public void Only_termination_needs_a_note_and_the_three_ends_are_final()
    {
        Assert.Equal([CooperationStatus.Terminated], Enum.GetValues<CooperationStatus>().Where(CooperationLifecycle.NeedsNote));
        Assert.Equal([CooperationStatus.Completed, CooperationStatus.Terminated, CooperationStatus.Expired], Enum.GetValues<CooperationStatus>().Where(CooperationLifecycle.IsFinal));
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public async Task Over_http_a_legal_move_is_200_with_history_and_an_illegal_one_is_409_changing_nothing(string from, string to)
    {
        var http = await SharedRunner.ClientAsync();
        var (partnerId, token) = await SharedPartner.Value;
        var id = await PartnerApi.CreateCooperationAsync(http, partnerId, token);
        var version = await PartnerApi.WalkAsync(http, id, PathTo[from]);
        Assert.Equal(PathTo[from].Length + 1, version);

        var note = to == "terminated" ? "Funding withdrawn by the partner." : "Reviewed by the cooperation office.";
        var response = await PartnerApi.TransitionAsync(http, id, to, version, note);

        var after = await PartnerApi.StaffGetAsync(http, id);
        var history = after.GetProperty("history").EnumerateArray().ToList();
        if (Legal.Contains((from, to)))
        {
            var body = await Problems.JsonAsync(response, HttpStatusCode.OK);
            Assert.Equal(to, body.GetProperty("status").GetString());
            Assert.Equal(version + 1, body.GetProperty("version").GetInt32());
            Assert.Equal(to, after.GetProperty("status").GetString());
            Assert.Equal(version + 1, after.GetProperty("version").GetInt32());
            Assert.Equal(version + 1, history.Count);
            var last = history[^1];
            Assert.Equal(from, last.GetProperty("from").GetString());
            Assert.Equal(to, last.GetProperty("to").GetString());
            Assert.Equal(note, last.GetProperty("note").GetString());
            Assert.Equal(version + 1, last.GetProperty("version").GetInt32());
            Assert.False(string.IsNullOrEmpty(last.GetProperty("actor").GetString()));
            Assert.True(last.TryGetProperty("at", out _));
        }
        else
        {
            var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.Conflict);
            Assert.Equal(from, problem.GetProperty("currentStatus").GetString());
            Assert.Equal(from, after.GetProperty("status").GetString());
            Assert.Equal(version, after.GetProperty("version").GetInt32());
            Assert.Equal(version, history.Count);
        }

        // The history is the path taken: creation, then each move, versions 1..n in order.
        Assert.True(!history[0].TryGetProperty("from", out var first) || first.ValueKind == System.Text.Json.JsonValueKind.Null);
        Assert.Equal("proposed", history[0].GetProperty("to").GetString());
        Assert.Equal(Enumerable.Range(1, history.Count), history.Select(h => h.GetProperty("version").GetInt32()));
    }

    [Fact]
    public async Task Terminating_without_a_note_is_400_and_a_stale_version_is_412()
    {
        var http = await SharedRunner.ClientAsync();
        var (partnerId, token) = await SharedPartner.Value;
        var id = await PartnerApi.CreateCooperationAsync(http, partnerId, token);
        var version = await PartnerApi.WalkAsync(http, id, PathTo["active"]);

        var noNote = await PartnerApi.TransitionAsync(http, id, "terminated", version);
        var problem = await Problems.AssertProblemAsync(noNote, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("note", out _));

        var stale = await PartnerApi.TransitionAsync(http, id, "completed", version - 1);
        var staleProblem = await Problems.AssertProblemAsync(stale, HttpStatusCode.PreconditionFailed);
        Assert.Equal(version, staleProblem.GetProperty("currentVersion").GetInt32());

        var ahead = await PartnerApi.TransitionAsync(http, id, "completed", version + 1);
        await Problems.AssertProblemAsync(ahead, HttpStatusCode.PreconditionFailed);

        var after = await PartnerApi.StaffGetAsync(http, id);
        Assert.Equal("active", after.GetProperty("status").GetString());
        Assert.Equal(version, after.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Transitions_on_unknown_or_malformed_ids_are_404()
    {
        var http = await SharedRunner.ClientAsync();
        await Problems.AssertProblemAsync(await PartnerApi.TransitionAsync(http, "coo_" + new string('a', 20), "under-review", 1), HttpStatusCode.NotFound);
        await Problems.AssertProblemAsync(await PartnerApi.TransitionAsync(http, "coo_x'", "under-review", 1), HttpStatusCode.NotFound);
        await Problems.AssertProblemAsync(await http.GetAsync("api/staff/cooperations/coo_" + new string('b', 20)), HttpStatusCode.NotFound);
    }

    private static CooperationStatus Parse(string kebab) =>
        Enum.GetValues<CooperationStatus>().Single(s => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(s.ToString()) == kebab);
}
