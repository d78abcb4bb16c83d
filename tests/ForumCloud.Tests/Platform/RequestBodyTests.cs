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

    private static Task<Probe> ReadAsync(string json)
    {
        var context = new DefaultHttpContext();
        context.Request.ContentType = "application/json";
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(json));
        return RequestBody.ReadJsonAsync<Probe>(context.Request, CancellationToken.None);
    }

    public sealed record Probe(FilingDirection? Direction, int? Count, IReadOnlyList<string>? Tags, Child? Child);

    public sealed record Child(string? Name);
}
