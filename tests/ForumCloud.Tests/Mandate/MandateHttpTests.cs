using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ForumCloud.Tests.Infrastructure;

namespace ForumCloud.Tests.Mandate;

/// <summary>/api/ask, /api/chat and /api/directline/token end-to-end through the local runner.</summary>
public sealed class MandateHttpTests
{
    [Fact]
    public async Task Ask_answers_with_the_citation_sources_and_suggestions()
    {
        var client = await SharedRunner.ClientAsync();
        var response = await client.PostAsJsonAsync("/api/ask", new { question = "Who prepares the Zhongguancun Forum?" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(body.GetProperty("answered").GetBoolean());
        Assert.Contains("Duty XV — International cooperation and the Zhongguancun Forum", body.GetProperty("answer").GetString());
        var source = body.GetProperty("sources")[0];
        Assert.Equal("XV", source.GetProperty("section").GetString());
        Assert.Equal("International cooperation and the Zhongguancun Forum", source.GetProperty("title").GetString());
        Assert.InRange(source.GetProperty("score").GetDouble(), 0.5, 1);
        Assert.True(body.GetProperty("suggestions").GetArrayLength() > 0);
    }

    [Fact]
    public async Task Ask_refuses_off_topic_questions()
    {
        var client = await SharedRunner.ClientAsync();
        var body = await (await client.PostAsJsonAsync("/api/ask", new { question = "Who won the football world cup?" })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(body.GetProperty("answered").GetBoolean());
        Assert.Equal(0, body.GetProperty("sources").GetArrayLength());
    }

    [Fact]
    public async Task Ask_limits_the_question_to_500_characters()
    {
        var client = await SharedRunner.ClientAsync();
        var response = await client.PostAsJsonAsync("/api/ask", new { question = new string('a', 501) });
        await Problems.AssertProblemAsync(response, HttpStatusCode.BadRequest);

        var missing = await client.PostAsJsonAsync("/api/ask", new { });
        await Problems.AssertProblemAsync(missing, HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("/api/chat")]
    [InlineData("/api/chat/")]
    public async Task The_chat_page_is_web_chat_with_absolute_urls_and_security_headers(string path)
    {
        var client = await SharedRunner.ClientAsync();
        var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("var api = '/api';", html);
        Assert.Contains("window.WebChat.renderWebChat", html);
        Assert.DoesNotContain("cdn", html, StringComparison.OrdinalIgnoreCase);

        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Contains("script-src 'self' 'nonce-", csp);
        var nonce = System.Text.RegularExpressions.Regex.Match(csp, "'nonce-([^']+)'").Groups[1].Value;
        Assert.Contains($"<script nonce=\"{nonce}\">", html);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
    }

    [Fact]
    public async Task Locally_the_token_names_the_runners_own_direct_line_endpoint()
    {
        var client = await SharedRunner.ClientAsync();
        var token = await Problems.JsonAsync(await client.PostAsync("/api/directline/token", null), HttpStatusCode.OK);
        Assert.False(string.IsNullOrEmpty(token.GetProperty("token").GetString()));
        Assert.Equal(new Uri(client.BaseAddress!, "/v3/directline").ToString().TrimEnd('/'), token.GetProperty("domain").GetString());
    }

    [Fact]
    public async Task The_web_chat_bundle_is_served_from_the_build_output_when_npm_installed_it()
    {
        var client = await SharedRunner.ClientAsync();
        var response = await client.GetAsync("/api/chat/webchat.js");
        var bundled = File.Exists(Path.Combine(AppContext.BaseDirectory, "webchat", "webchat.js"));
        Assert.Equal(bundled ? HttpStatusCode.OK : HttpStatusCode.NotFound, response.StatusCode);
        if (bundled) Assert.Contains("renderWebChat", await response.Content.ReadAsStringAsync());
    }
}
