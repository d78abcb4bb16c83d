using System.Net;
using System.Net.Http.Headers;
using ForumCloud.DevHost;
using ForumCloud.Tests.Infrastructure;

namespace ForumCloud.Tests.Runner;

/// <summary>The shared HTTP edge over real HTTP: every bad request gets its problem-details status.</summary>
public sealed class HttpPlumbingTests : IAsyncLifetime
{
    private DevHostApp _runner = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        var options = new DevHostOptions { StorageConnectionString = await SharedAzurite.ConnectionStringAsync(), StartAzuriteIfNeeded = false, StartMailServerIfNeeded = false, LoadSeeds = false, RunTriggers = false };
        options.FunctionAssemblies.Clear();
        options.FunctionAssemblies.Add(typeof(TestFunctions).Assembly);
        _runner = await DevHostApp.StartAsync(await TestMailbox.RunnerArgumentsAsync(), options);
        _http = new HttpClient { BaseAddress = new Uri(_runner.BaseUrl) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _runner.DisposeAsync();
    }

    [Fact]
    public async Task A_valid_body_is_accepted_with_trimmed_values_and_a_location()
    {
        var response = await _http.PostAsync("/api/test/echo/zgc-forum-2027", Problems.Json("""{"name":"  Ada Lovelace ","email":"ada@example.org","country":"gb"}"""));
        var body = await Problems.JsonAsync(response, HttpStatusCode.Created);
        Assert.Equal("Ada Lovelace", body.GetProperty("name").GetString());
        Assert.Equal("GB", body.GetProperty("country").GetString());
        Assert.Equal("/api/test/echo/zgc-forum-2027", response.Headers.Location?.ToString());
    }

    [Theory]
    [InlineData("{\"name\":\"x\"")]
    [InlineData("not json")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"name\":\"a\",\"name\":\"b\",\"email\":\"a@b.cn\",\"country\":\"DE\"}")]
    [InlineData("{\"name\":1,\"email\":\"a@b.cn\",\"country\":\"DE\"}")]
    [InlineData("{\"name\":\"a\",\"email\":\"a@b.cn\",\"country\":\"DE\",\"extra\":true}")]
    [InlineData("null")]
    public async Task Json_that_does_not_parse_into_the_body_is_400(string json)
    {
        var response = await _http.PostAsync("/api/test/echo/zgc-forum-2027", Problems.Json(json));
        await Problems.AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Field_errors_name_each_field()
    {
        var response = await _http.PostAsync("/api/test/echo/zgc-forum-2027", Problems.Json("""{"name":"","email":"not-an-email","country":"XX"}"""));
        var problem = await Problems.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("name", out _));
        Assert.True(errors.TryGetProperty("email", out _));
        Assert.True(errors.TryGetProperty("country", out _));
    }

    [Theory]
    [InlineData(@"Ada\u202Eevil")]
    [InlineData(@"Ada\u0000")]
    [InlineData(@"Ada\u0007")]
    [InlineData(@"\ud800Ada")]
    [InlineData(@"Ada\udfff")]
    public async Task Unsafe_characters_in_text_are_400(string escapedName)
    {
        var json = $$"""{"name":"{{escapedName}}","email":"ada@example.org","country":"GB"}""";
        var response = await _http.PostAsync("/api/test/echo/zgc-forum-2027", Problems.Json(json));
        await Problems.AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_wrong_content_type_is_415()
    {
        var response = await _http.PostAsync("/api/test/echo/zgc-forum-2027", new StringContent("name=x", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"));
        await Problems.AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task A_body_over_64_KiB_is_413_also_without_a_content_length()
    {
        var big = "{\"name\":\"" + new string('a', 70 * 1024) + "\"}";
        var response = await _http.PostAsync("/api/test/echo/zgc-forum-2027", Problems.Json(big));
        await Problems.AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);

        var chunked = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(big)));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/test/echo/zgc-forum-2027") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        await Problems.AssertProblemAsync(await _http.SendAsync(request), HttpStatusCode.RequestEntityTooLarge);
    }

    [Theory]
    [InlineData("bad%2Fid")]
    [InlineData("bad%23id")]
    [InlineData("bad%3Fid")]
    [InlineData("bad%5Cid")]
    [InlineData("bad%27id")]
    [InlineData("bad%00id")]
    [InlineData("UPPER-case")]
    [InlineData("ab")]
    public async Task Route_ids_with_key_breaking_characters_are_404_before_any_storage(string id)
    {
        var response = await _http.PostAsync($"/api/test/echo/{id}", Problems.Json("""{"name":"a","email":"a@b.cn","country":"DE"}"""));

        // Kestrel itself refuses a NUL in the path (400) before any function runs.
        Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest, $"got {(int)response.StatusCode}");
        if (response.Content.Headers.ContentType?.MediaType == "application/problem+json")
        {
            await Problems.AssertProblemAsync(response, HttpStatusCode.NotFound);
        }
    }
}
