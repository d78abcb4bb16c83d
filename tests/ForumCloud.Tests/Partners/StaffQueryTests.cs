using System.Net;
using System.Text.Json;
using ForumCloud.Functions.Partners;
using ForumCloud.Tests.Infrastructure;

namespace ForumCloud.Tests.Partners;

/// <summary>The staff query: filters, paging across pages with continuation tokens, and refusals.</summary>
public sealed class StaffQueryTests
{
    [Fact]
    public async Task Paging_with_filters_walks_every_matching_record_once_across_several_pages()
    {
        var http = await SharedRunner.ClientAsync();
        var (partnerId, token) = await PartnerApi.RegisterAsync(http, "IS");
        var research = new List<string>();
        for (var i = 0; i < 7; i++) research.Add(await PartnerApi.CreateCooperationAsync(http, partnerId, token, PartnerApi.Cooperation(type: "joint-research")));
        var mous = new List<string>();
        for (var i = 0; i < 2; i++) mous.Add(await PartnerApi.CreateCooperationAsync(http, partnerId, token, PartnerApi.Cooperation(type: "mou")));
        foreach (var id in research.Take(2)) await PartnerApi.WalkAsync(http, id, ["under-review"]);

        var (proposedResearch, pages) = await ReadAllAsync(http, $"partnerId={partnerId}&type=joint-research&status=proposed", 2);
        Assert.Equal(research.Skip(2).Order(), proposedResearch.Select(Id).Order());
        Assert.Equal(3, pages);
        Assert.All(proposedResearch, item =>
        {
            Assert.Equal("joint-research", item.GetProperty("type").GetString());
            Assert.Equal("proposed", item.GetProperty("status").GetString());
            Assert.Equal("IS", item.GetProperty("country").GetString());
            Assert.False(item.TryGetProperty("history", out _));
        });

        var (all, allPages) = await ReadAllAsync(http, $"partnerId={partnerId}", 4);
        Assert.Equal(research.Concat(mous).Order(), all.Select(Id).Order());
        Assert.Equal(3, allPages);

        // The country filter works without the partner filter, on the denormalised country.
        var (iceland, _) = await ReadAllAsync(http, "country=is", 100);
        Assert.All(iceland, item => Assert.Equal("IS", item.GetProperty("country").GetString()));
        Assert.Subset(iceland.Select(Id).ToHashSet(), research.Concat(mous).ToHashSet());
    }

    [Fact]
    public async Task Expiring_within_days_finds_signed_and_active_records_ending_in_the_window()
    {
        var http = await SharedRunner.ClientAsync();
        var (partnerId, token) = await PartnerApi.RegisterAsync(http, "FI");
        var today = PartnerApi.BeijingToday;
        var soonSigned = await PartnerApi.CreateCooperationAsync(http, partnerId, token, PartnerApi.Cooperation("2025-01-01", PartnerApi.Date(today.AddDays(5))));
        await PartnerApi.WalkAsync(http, soonSigned, ["under-review", "signed"]);
        var soonProposed = await PartnerApi.CreateCooperationAsync(http, partnerId, token, PartnerApi.Cooperation("2025-01-01", PartnerApi.Date(today.AddDays(5))));
        var later = await PartnerApi.CreateCooperationAsync(http, partnerId, token, PartnerApi.Cooperation("2025-01-01", PartnerApi.Date(today.AddDays(45))));
        await PartnerApi.WalkAsync(http, later, ["under-review", "signed"]);
        var openEnded = await PartnerApi.CreateCooperationAsync(http, partnerId, token, PartnerApi.Cooperation("2025-01-01", null));
        await PartnerApi.WalkAsync(http, openEnded, ["under-review", "signed"]);

        var (within30, _) = await ReadAllAsync(http, $"partnerId={partnerId}&expiringWithinDays=30", 10);
        Assert.Equal([soonSigned], within30.Select(Id));

        var (within60, _) = await ReadAllAsync(http, $"partnerId={partnerId}&expiringWithinDays=60", 10);
        Assert.Equal(new[] { soonSigned, later }.Order(), within60.Select(Id).Order());

        var (proposedSoon, _) = await ReadAllAsync(http, $"partnerId={partnerId}&expiringWithinDays=30&status=proposed", 10);
        Assert.Equal([soonProposed], proposedSoon.Select(Id));
    }

    [Fact]
    public async Task A_tampered_or_foreign_continuation_token_is_400_not_500()
    {
        var http = await SharedRunner.ClientAsync();
        var (partnerId, token) = await PartnerApi.RegisterAsync(http, "NO");
        for (var i = 0; i < 3; i++) await PartnerApi.CreateCooperationAsync(http, partnerId, token);
        var first = await Problems.JsonAsync(await http.GetAsync($"api/staff/cooperations?partnerId={partnerId}&pageSize=1"), HttpStatusCode.OK);
        var continuation = first.GetProperty("continuation").GetString()!;

        var flipped = continuation[..^2] + (continuation[^2] == 'A' ? 'B' : 'A') + continuation[^1];
        foreach (var bad in new[] { flipped, continuation + "x", "abc", "%%%", new string('A', 3000) })
        {
            var response = await http.GetAsync($"api/staff/cooperations?partnerId={partnerId}&pageSize=1&continuation={Uri.EscapeDataString(bad)}");
            var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty("continuation", out _));
        }

        // A token of one query does not page another.
        var other = await http.GetAsync($"api/staff/cooperations?partnerId={partnerId}&status=signed&pageSize=1&continuation={continuation}");
        await Problems.AssertProblemAsync(other, HttpStatusCode.BadRequest);

        // The genuine token still works.
        var second = await Problems.JsonAsync(await http.GetAsync($"api/staff/cooperations?partnerId={partnerId}&pageSize=1&continuation={continuation}"), HttpStatusCode.OK);
        Assert.Equal(1, second.GetProperty("items").GetArrayLength());
    }

    [Theory]
    [InlineData("status=bogus", "status")]
    [InlineData("status=Active", "status")]
    [InlineData("type=joint_research", "type")]
    [InlineData("country=XX", "country")]
    [InlineData("country=CHN", "country")]
    [InlineData("partnerId=par_'or'1'eq'1", "partnerId")]
    [InlineData("expiringWithinDays=-1", "expiringWithinDays")]
    [InlineData("expiringWithinDays=ten", "expiringWithinDays")]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("pageSize=101", "pageSize")]
    [InlineData("pageSize=1.5", "pageSize")]
    public async Task Bad_filters_and_page_sizes_are_400_naming_the_parameter(string query, string field)
    {
        var http = await SharedRunner.ClientAsync();
        var problem = await Problems.AssertProblemAsync(await http.GetAsync($"api/staff/cooperations?{query}"), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.GetRawText());
    }

    [Fact]
    public void The_odata_filter_quotes_every_value_and_binds_the_expiry_window_to_the_beijing_date()
    {
        var filter = new CooperationFilter(CooperationStatus.UnderReview, "DE", CooperationType.JointLaboratory, "par_abcdefghijklmnopqrst", 30);
        Assert.Equal(
            "RowKey eq 'record' and Status eq 'under-review' and Country eq 'DE' and Type eq 'joint-laboratory' and PartnerId eq 'par_abcdefghijklmnopqrst' and EndDate ge '2027-02-20' and EndDate le '2027-03-22'",
            filter.ToODataFilter(new DateOnly(2027, 2, 20)));
        Assert.Equal(
            "RowKey eq 'record' and (Status eq 'signed' or Status eq 'active') and EndDate ge '2027-02-20' and EndDate le '2027-02-27'",
            new CooperationFilter(ExpiringWithinDays: 7).ToODataFilter(new DateOnly(2027, 2, 20)));
        Assert.Equal("RowKey eq 'record' and Country eq 'O''Brien'", new CooperationFilter(Country: "O'Brien").ToODataFilter(default));
    }

    private static string Id(JsonElement item) => item.GetProperty("cooperationId").GetString()!;

    private static async Task<(List<JsonElement> Items, int Pages)> ReadAllAsync(HttpClient http, string query, int pageSize)
    {
        var items = new List<JsonElement>();
        string? continuation = null;
        var pages = 0;
        do
        {
            var url = $"api/staff/cooperations?{query}&pageSize={pageSize}" + (continuation is null ? "" : $"&continuation={Uri.EscapeDataString(continuation)}");
            var page = await Problems.JsonAsync(await http.GetAsync(url), HttpStatusCode.OK);
            var pageItems = page.GetProperty("items").EnumerateArray().ToList();
            Assert.True(pageItems.Count <= pageSize);
            items.AddRange(pageItems);
            pages++;
            continuation = page.GetProperty("continuation").ValueKind == JsonValueKind.Null ? null : page.GetProperty("continuation").GetString();
            Assert.True(pages < 1000, "paging did not end");
        }
        while (continuation is not null);

        Assert.Equal(items.Count, items.Select(Id).Distinct().Count());
        return (items, pages);
    }
}
