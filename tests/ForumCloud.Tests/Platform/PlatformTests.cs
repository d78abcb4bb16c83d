using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using ForumCloud.Functions.Platform;

namespace ForumCloud.Tests.Platform;

public sealed class PlatformTests
{
    [Fact]
    public void Tokens_are_random_hashed_and_compared_by_hash()
    {
        var token = Secrets.NewToken();
        var hash = Secrets.Hash(token);
        Assert.NotEqual(token, Secrets.NewToken());
        Assert.True(Secrets.Matches(token, hash));
        Assert.False(Secrets.Matches(token + "x", hash));
        Assert.False(Secrets.Matches(null, hash));
        Assert.DoesNotContain(token, hash);
    }

    [Fact]
    public void Personal_keys_ignore_case_and_spaces_and_depend_on_the_scope()
    {
        Assert.Equal(Secrets.KeyFor("e1", " Ada@Example.org "), Secrets.KeyFor("e1", "ada@example.org"));
        Assert.NotEqual(Secrets.KeyFor("e1", "ada@example.org"), Secrets.KeyFor("e2", "ada@example.org"));
        Assert.DoesNotContain("@", Secrets.KeyFor("e1", "ada@example.org"));
    }

    [Fact]
    public void Continuation_tokens_round_trip_and_refuse_tampering_or_another_query()
    {
        var token = ContinuationToken.Encode("1!8!cGFydA--;1!8!cm93", "status=active");
        Assert.NotNull(token);
        Assert.Equal("1!8!cGFydA--;1!8!cm93", ContinuationToken.Decode(token, "status=active"));
        Assert.Null(ContinuationToken.Decode(null, "status=active"));

        var tampered = token![..^2] + (token[^2] == 'A' ? "B" : "A") + token[^1];
        Assert.Equal(400, Assert.Throws<ProblemException>(() => ContinuationToken.Decode(tampered, "status=active")).Status);
        Assert.Equal(400, Assert.Throws<ProblemException>(() => ContinuationToken.Decode(token, "status=signed")).Status);
        Assert.Equal(400, Assert.Throws<ProblemException>(() => ContinuationToken.Decode("%%%", "status=active")).Status);
    }

    private static QueryCollection Query(string? pageSize) =>
        new(pageSize is null ? [] : new Dictionary<string, StringValues> { ["pageSize"] = pageSize, ["continuation"] = "abc" });

    [Theory]
    [InlineData(null, 25)]
    [InlineData("1", 1)]
    [InlineData("100", 100)]
    public void Page_sizes_default_and_accept_1_to_100(string? value, int expected) => Assert.Equal(expected, PageRequest.Read(Query(value)).PageSize);

    [Theory]
    [InlineData("0")]
    [InlineData("101")]
    [InlineData("-1")]
    [InlineData("1e2")]
    [InlineData("ten")]
    public void Page_sizes_out_of_range_are_400_naming_pageSize(string value)
    {
        var problem = Assert.Throws<ProblemException>(() => PageRequest.Read(Query(value)));
        Assert.Equal(400, problem.Status);
        Assert.Equal(["pageSize"], problem.Errors!.Keys);
    }

    [Fact]
    public void A_bad_page_size_joins_the_filters_errors_rather_than_throwing_alone()
    {
        var errors = new FieldErrors();
        errors.OptionalEnum<ForumCloud.Functions.Filings.FilingStatus>("status", "nonsense");
        var page = PageRequest.Read(Query("0"), errors);
        Assert.Equal((25, "abc"), (page.PageSize, page.Continuation));
        var problem = Assert.Throws<ProblemException>(errors.ThrowIfAny);
        Assert.Equal(["pageSize", "status"], problem.Errors!.Keys.Order());
    }

    [Fact]
    public void Countries_are_the_249_assigned_codes_and_duty_XV_regions()
    {
        Assert.Equal(249, Countries.Count);
        Assert.Equal(RegionCategory.HongKongMacaoTaiwan, Countries.CategoryOf("HK"));
        Assert.Equal(RegionCategory.HongKongMacaoTaiwan, Countries.CategoryOf("MO"));
        Assert.Equal(RegionCategory.HongKongMacaoTaiwan, Countries.CategoryOf("TW"));
        Assert.Equal(RegionCategory.Mainland, Countries.CategoryOf("CN"));
        Assert.Equal(RegionCategory.Foreign, Countries.CategoryOf("DE"));
        Assert.False(Countries.IsAssigned("UK"));
        Assert.False(Countries.IsAssigned("XK"));
    }

    [Theory]
    [InlineData("zgc-forum-2027", true)]
    [InlineData("a1b", true)]
    [InlineData("ab", false)]
    [InlineData("-abc", false)]
    [InlineData("abc-", false)]
    [InlineData("a--b", false)]
    [InlineData("ABC", false)]
    [InlineData("a/b", false)]
    [InlineData("a#b", false)]
    [InlineData("a'b", false)]
    public void Event_slugs_allow_only_safe_key_characters(string slug, bool valid) => Assert.Equal(valid, RouteIds.EventSlug.IsValid(slug));

    [Fact]
    public void Generated_ids_match_their_kind()
    {
        var kind = RouteIds.Generated("fil", "filing");
        Assert.True(kind.IsValid(Ids.New("fil")));
        Assert.False(kind.IsValid(Ids.New("par")));
        Assert.Equal(404, Assert.Throws<ProblemException>(() => RouteIds.Require(kind, "fil_../../x")).Status);
    }

    [Fact]
    public void Storage_outages_are_told_apart_from_refusals()
    {
        Assert.True(StorageFaults.IsOutage(new Azure.RequestFailedException(503, "down")));
        Assert.True(StorageFaults.IsOutage(new HttpRequestException("refused")));
        Assert.False(StorageFaults.IsOutage(new Azure.RequestFailedException(409, "exists")));
        Assert.False(StorageFaults.IsOutage(new InvalidOperationException()));
    }
}
