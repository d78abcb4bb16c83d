using System.Text;
using ForumCloud.Functions.Filings;
using ForumCloud.Functions.Platform;
using Microsoft.AspNetCore.Http;

namespace ForumCloud.Tests.Platform;

/// <summary>A body the reader cannot bind is a 400 in the client's terms: the field, what was expected, no .NET type names.</summary>
public sealed class RequestBodyTests
{
    [Theory]
    [InlineData("""{"direction":"sideways"}""", "direction", "Expected one of import, export.")]
    [InlineData("""{"count":"seven"}""", "count", "Expected a number.")]
    [InlineData("""{"tags":"one"}""", "tags", "Expected an array.")]
    [InlineData("""{"child":5}""", "child", "Expected an object.")]
    [InlineData("""{"child":{"name":true}}""", "child.name", "Expected a string.")]
    [InlineData("""{"colour":"red"}""", "colour", "This property is not part of the request.")]
    [InlineData("""{"count":1,"count":2}""", "count", "This property appears more than once.")]
    public async Task A_value_of_the_wrong_kind_names_its_field_and_what_was_expected(string json, string field, string message)
    {
        var problem = await Assert.ThrowsAsync<ProblemException>(() => ReadAsync(json));

        Assert.Equal(400, problem.Status);
        Assert.Equal([message], problem.Errors![field]);
        Assert.Contains($"at '{field}'", problem.Detail);
        Assert.DoesNotContain("ForumCloud", problem.Detail + string.Concat(problem.Errors.SelectMany(e => e.Value)));
        Assert.DoesNotContain("System.", problem.Detail);
    }

    [Fact]
    public async Task A_body_of_the_wrong_kind_altogether_says_so_without_naming_the_type()
    {
        var problem = await Assert.ThrowsAsync<ProblemException>(() => ReadAsync("[1,2,3]"));
        Assert.Equal("The JSON could not be read (line 1): expected an object.", problem.Detail);

        var broken = await Assert.ThrowsAsync<ProblemException>(() => ReadAsync("""{"count":"""));
        Assert.DoesNotContain("ForumCloud", broken.Detail);
        Assert.Equal(400, broken.Status);
    }

    [Fact]
    public async Task A_partly_readable_body_is_read_past_every_field_that_does_not_fit_and_names_each()
    {
        var body = await ReadAsync<PartProbe>("""{"direction":"sideways","count":"seven","tags":["a",5,"c"],"child":{"name":true},"colour":"red","note":"kept"}""");

        Assert.Equal(
            new Dictionary<string, string>
            {
                ["direction"] = "Expected one of import, export.",
                ["count"] = "Expected a number.",
                ["tags[1]"] = "Expected a string.",
                ["child.name"] = "Expected a string.",
                ["colour"] = "This property is not part of the request.",
            },
            body.Unreadable);
        Assert.Equal("kept", body.Note);
        Assert.Equal(["a", null, "c"], body.Tags);
        Assert.Null(body.Count);
    }

    [Fact]
    public async Task The_validation_reports_the_unread_fields_beside_its_own_and_not_as_missing()
    {
        var body = await ReadAsync<PartProbe>("""{"direction":"sideways","count":"seven"}""");
        var errors = FieldErrors.For(body);
        errors.Enum("direction", body.Direction);
        errors.Range("count", body.Count, 1, 10);
        errors.Text("note", body.Note);

        var problem = Assert.Throws<ProblemException>(errors.ThrowIfAny);

        Assert.Equal(["Expected one of import, export."], problem.Errors!["direction"]);
        Assert.Equal(["Expected a number."], problem.Errors["count"]);
        Assert.Equal(["Required."], problem.Errors["note"]);
    }

    [Fact]
    public async Task A_field_sent_in_another_case_is_named_as_the_api_spells_it_so_the_validation_does_not_also_call_it_missing()
    {
        var body = await ReadAsync<PartProbe>("""{"Direction":"sideways","Note":"kept"}""");
        var errors = FieldErrors.For(body);
        errors.Enum("direction", body.Direction);

        var problem = Assert.Throws<ProblemException>(errors.ThrowIfAny);

        Assert.Equal(["direction"], problem.Errors!.Keys);
        Assert.Equal(["Expected one of import, export."], problem.Errors["direction"]);
        Assert.Equal("kept", body.Note);
    }

    [Fact]
    public async Task A_body_that_reads_whole_carries_no_unread_fields_and_one_that_cannot_be_read_in_part_is_refused()
    {
        Assert.Null((await ReadAsync<PartProbe>("""{"count":3}""")).Unreadable);
        var duplicate = await Assert.ThrowsAsync<ProblemException>(() => ReadAsync<PartProbe>("""{"count":"x","count":2}"""));
        Assert.Equal(400, duplicate.Status);
        var array = await Assert.ThrowsAsync<ProblemException>(() => ReadAsync<PartProbe>("[1]"));
        Assert.Equal("The JSON could not be read (line 1): expected an object.", array.Detail);
    }

    private static Task<Probe> ReadAsync(string json) => ReadAsync<Probe>(json);

    private static Task<T> ReadAsync<T>(string json)
        where T : class
    {
        var context = new DefaultHttpContext();
        context.Request.ContentType = "application/json";
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(json));
        return RequestBody.ReadJsonAsync<T>(context.Request, CancellationToken.None);
    }

    public sealed record Probe(FilingDirection? Direction, int? Count, IReadOnlyList<string>? Tags, Child? Child);

    public sealed record PartProbe(FilingDirection? Direction, int? Count, IReadOnlyList<string?>? Tags, Child? Child, string? Note) : PartlyReadable;

    public sealed record Child(string? Name);
}
