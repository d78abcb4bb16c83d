using System.Net;
using ForumCloud.Functions.Platform;
using ForumCloud.Tests.Infrastructure;

namespace ForumCloud.Tests.Partners;

/// <summary>Bad input gets problem details with field errors, and the tables are exactly as before.</summary>
[Collection(WholeTableCollection.Name)]
public sealed class BadInputTests
{
    private const string GoodCooperation = """
        "title":"T","type":"mou","fields":["ai"],"startDate":"2026-01-01","description":"D"
        """;

    public static TheoryData<string, string?> BadPartners => new()
    {
        { """{"name":"","country":"DE","type":"university","contactEmail":"a@example.org"}""", "name" },
        { """{"name":"N","country":"XX","type":"university","contactEmail":"a@example.org"}""", "country" },
        { """{"name":"N","country":"DE","type":"university","contactEmail":"not-an-email"}""", "contactEmail" },
        { """{"name":"N","country":"DE","contactEmail":"a@example.org"}""", "type" },
        { """{"name":"N","country":"DE","type":"college","contactEmail":"a@example.org"}""", null },
        { """{"name":"N","country":"DE","type":"university","contactEmail":"a@example.org","website":"ftp://x.org"}""", "website" },
        { """{"name":"N","country":"DE","type":"university","contactEmail":"a@example.org","vatNumber":"1"}""", null },
        { """{"name":"N\u202Eevil","country":"DE","type":"university","contactEmail":"a@example.org"}""", "name" },
        { """{"name":"N","country":"CN","type":"college","contactEmail":"a@example.org"}""", null },
        { """{"name":"N","country":"CN","type":"university","contactEmail":"bad"}""", "country" },
    };

    public static TheoryData<string, string?> BadCooperations => new()
    {
        { """{"title":"T","type":"mou","fields":["ai"],"startDate":"2026-05-01","endDate":"2026-04-30","description":"D"}""", "endDate" },
        { """{"title":"T","type":"treaty","fields":["ai"],"startDate":"2026-01-01","description":"D"}""", null },
        { """{"title":"T","type":"mou","fields":["ai"],"zgcPark":"shanghai","startDate":"2026-01-01","description":"D"}""", null },
        { """{"title":"T","type":"mou","fields":["f1","f2","f3","f4","f5","f6","f7","f8","f9","f10","f11","f12","f13","f14","f15","f16","f17","f18","f19","f20","f21"],"startDate":"2026-01-01","description":"D"}""", "fields" },
        { """{"title":"T","type":"mou","fields":[],"startDate":"2026-01-01","description":"D"}""", "fields" },
        { """{"title":"T","type":"mou","fields":[""],"startDate":"2026-01-01","description":"D"}""", "fields[0]" },
        { """{"title":"T","type":"mou","fields":["ai"],"startDate":"01/05/2026","description":"D"}""", "startDate" },
        { """{"title":"T","type":"mou","fields":["ai"],"startDate":"2026-02-30","description":"D"}""", "startDate" },
        { """{"title":"T","type":"mou","fields":["ai"],"startDate":"1900-01-01","description":"D"}""", "startDate" },
        { """{"title":"T","type":"mou","fields":["ai"],"description":"D"}""", "startDate" },
        { """{"title":"","type":"mou","fields":["ai"],"startDate":"2026-01-01","description":""}""", "description" },
        { "{" + GoodCooperation + ",\"status\":\"active\"}", null },
        { "{" + GoodCooperation + ",\"version\":7}", null },
        { """{"title":"T","type":"mou","fields":"ai","startDate":"2026-01-01","description":"D"}""", null },
    };

    [SkippableTheory]
    [MemberData(nameof(BadPartners))]
    public async Task A_bad_partner_registration_is_a_problem_and_stores_nothing(string json, string? field)
    {
        Skip.If(SharedRunner.ExternalBaseUrl is not null, "FORUMCLOUD_BASE_URL is set: needs the storage behind the app.");
        var http = await SharedRunner.ClientAsync();
        var storage = await SharedAzurite.StorageAsync();
        var before = await PartnerApi.SnapshotAsync(storage, TableNames.Partners, TableNames.Cooperations);

        var response = await http.PostAsync("api/partners", Problems.Json(json));

        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        if (field is not null) Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.GetRawText());
        Assert.Equal(before, await PartnerApi.SnapshotAsync(storage, TableNames.Partners, TableNames.Cooperations));
    }

    [SkippableFact]
    public async Task Values_of_the_wrong_kind_are_listed_with_every_other_field_problem_in_one_answer()
    {
        Skip.If(SharedRunner.ExternalBaseUrl is not null, "FORUMCLOUD_BASE_URL is set: needs the storage behind the app.");
        var http = await SharedRunner.ClientAsync();
        var storage = await SharedAzurite.StorageAsync();
        var before = await PartnerApi.SnapshotAsync(storage, TableNames.Partners);

        var response = await http.PostAsync("api/partners", Problems.Json("""{"name":42,"country":"XX","type":"college","website":"ftp://x.org"}"""));

        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.Equal("Expected a string.", errors.GetProperty("name")[0].GetString());
        Assert.StartsWith("Expected one of ", errors.GetProperty("type")[0].GetString());
        Assert.Contains("university", errors.GetProperty("type")[0].GetString());
        foreach (var field in new[] { "country", "website", "contactEmail", "privacyNoticeVersion" }) Assert.True(errors.TryGetProperty(field, out _), field + ": " + problem.GetRawText());
        Assert.Equal(1, errors.GetProperty("name").GetArrayLength());
        Assert.Equal(before, await PartnerApi.SnapshotAsync(storage, TableNames.Partners));
    }

    [SkippableFact]
    public async Task A_mainland_registration_stores_nothing()
    {
        Skip.If(SharedRunner.ExternalBaseUrl is not null, "FORUMCLOUD_BASE_URL is set: this test needs the local runner's storage and services, which a deployed app does not expose.");
        var http = await SharedRunner.ClientAsync();
        var storage = await SharedAzurite.StorageAsync();
        var before = await PartnerApi.SnapshotAsync(storage, TableNames.Partners);

        var response = await http.PostAsync("api/partners", Problems.Json("""{"name":"N","country":"cn","type":"university","contactEmail":"a@example.org"}"""));

        await Problems.AssertProblemAsync(response, (HttpStatusCode)422);
        Assert.Equal(before, await PartnerApi.SnapshotAsync(storage, TableNames.Partners));
    }

    [SkippableTheory]
    [MemberData(nameof(BadCooperations))]
    public async Task A_bad_cooperation_is_400_with_field_errors_and_stores_nothing(string json, string? field)
    {
        Skip.If(SharedRunner.ExternalBaseUrl is not null, "FORUMCLOUD_BASE_URL is set: this test needs the local runner's storage and services, which a deployed app does not expose.");
        var http = await SharedRunner.ClientAsync();
        var storage = await SharedAzurite.StorageAsync();
        var (partnerId, token) = await PartnerApi.RegisterAsync(http, "CH");
        var before = await PartnerApi.SnapshotAsync(storage, TableNames.Partners, TableNames.Cooperations);

        var response = await PartnerApi.PostCooperationAsync(http, partnerId, token, Problems.Json(json));

        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        if (field is not null) Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.GetRawText());
        Assert.Equal(before, await PartnerApi.SnapshotAsync(storage, TableNames.Partners, TableNames.Cooperations));
    }

    [SkippableTheory]
    [InlineData("""{"to":"signed-off","version":1}""", null)]
    [InlineData("""{"to":"under-review"}""", "version")]
    [InlineData("""{"to":"under-review","version":0}""", "version")]
    [InlineData("""{"version":1}""", "to")]
    [InlineData("""{"to":"under-review","version":"1"}""", null)]
    [InlineData("""{"to":"under-review","version":1,"actor":"me"}""", null)]
    [InlineData("""{"to":"terminated","version":1,"note":"  "}""", "note")]
    public async Task A_bad_transition_is_400_and_changes_nothing(string json, string? field)
    {
        Skip.If(SharedRunner.ExternalBaseUrl is not null, "FORUMCLOUD_BASE_URL is set: this test needs the local runner's storage and services, which a deployed app does not expose.");
        var http = await SharedRunner.ClientAsync();
        var storage = await SharedAzurite.StorageAsync();
        var (partnerId, token) = await PartnerApi.RegisterAsync(http, "AT");
        var id = await PartnerApi.CreateCooperationAsync(http, partnerId, token);
        var before = await PartnerApi.SnapshotAsync(storage, TableNames.Cooperations);

        var response = await http.PostAsync($"api/staff/cooperations/{id}/transitions", Problems.Json(json));

        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        if (field is not null) Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.GetRawText());
        Assert.Equal(before, await PartnerApi.SnapshotAsync(storage, TableNames.Cooperations));
    }

    [SkippableFact]
    public async Task Refused_transitions_and_foreign_tokens_store_nothing()
    {
        Skip.If(SharedRunner.ExternalBaseUrl is not null, "FORUMCLOUD_BASE_URL is set: this test needs the local runner's storage and services, which a deployed app does not expose.");
        var http = await SharedRunner.ClientAsync();
        var storage = await SharedAzurite.StorageAsync();
        var (a, tokenA) = await PartnerApi.RegisterAsync(http, "BE");
        var (_, tokenB) = await PartnerApi.RegisterAsync(http, "NL");
        var id = await PartnerApi.CreateCooperationAsync(http, a, tokenA);
        var before = await PartnerApi.SnapshotAsync(storage, TableNames.Partners, TableNames.Cooperations);

        await Problems.AssertProblemAsync(await PartnerApi.TransitionAsync(http, id, "active", 1), HttpStatusCode.Conflict);
        await Problems.AssertProblemAsync(await PartnerApi.TransitionAsync(http, id, "under-review", 2), HttpStatusCode.PreconditionFailed);
        await Problems.AssertProblemAsync(await PartnerApi.PostCooperationAsync(http, a, tokenB, PartnerApi.Cooperation()), HttpStatusCode.NotFound);
        await Problems.AssertProblemAsync(await PartnerApi.PostCooperationAsync(http, a, tokenA, new StringContent("{}", System.Text.Encoding.UTF8, "text/plain")), HttpStatusCode.UnsupportedMediaType);

        Assert.Equal(before, await PartnerApi.SnapshotAsync(storage, TableNames.Partners, TableNames.Cooperations));
    }
}
