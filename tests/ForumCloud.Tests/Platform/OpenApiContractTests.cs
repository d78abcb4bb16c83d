using System.Diagnostics;
using System.Net;
using ForumCloud.Tests.Infra;
using ForumCloud.Tests.Infrastructure;

namespace ForumCloud.Tests.Platform;

/// <summary>
/// openapi.yaml is linted with Redocly's recommended rules (from package.json), and every answer the
/// tests receive through <see cref="RunnerHttp"/> is checked against it; these tests show the check bites.
/// </summary>
public sealed class OpenApiContractTests
{
    [Fact]
    public async Task The_document_is_clean_under_redocly_recommended_rules()
    {
        var npm = new ProcessStartInfo("npm", ["run", "--silent", "lint:openapi"])
        {
            WorkingDirectory = BicepCli.RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["REDOCLY_TELEMETRY"] = "off", ["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true", ["NO_COLOR"] = "1" },
        };
        Assert.True(File.Exists(Path.Combine(BicepCli.RepoRoot, "node_modules", ".bin", "redocly")), "Redocly is missing: run `npm ci` in the repository root.");
        using var lint = Process.Start(npm)!;
        var output = lint.StandardOutput.ReadToEndAsync();
        var errors = lint.StandardError.ReadToEndAsync();
        await lint.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        var text = await output + await errors;

        Assert.True(lint.ExitCode == 0, text);
        Assert.Contains("Your API description is valid", text);
        Assert.DoesNotMatch(@"\b(error|warning)\b", text.Replace("Deprecation warning", "", StringComparison.Ordinal)); // only the warnings .redocly.lint-ignore.yaml names, with its reasons
    }

    [Fact]
    public void A_body_that_does_not_match_its_schema_is_reported_with_the_place()
    {
        var problem = OpenApiContract.Check("GET", "/events/zgc-forum-2027", 200, "application/json", """{"eventId":42,"capacity":"many"}""");
        Assert.NotNull(problem);
        Assert.Contains("/events/{eventId}", problem);
        Assert.Contains("/eventId", problem);
    }

    [Fact]
    public void Undocumented_statuses_and_content_types_are_reported()
    {
        Assert.Contains("status 418 is not documented", OpenApiContract.Check("GET", "/events", 418, null, ""));
        Assert.Contains("content type text/plain is not documented", OpenApiContract.Check("GET", "/events", 200, "text/plain", "hello"));
        Assert.Null(OpenApiContract.Check("GET", "/health", 503, "application/problem+json", """{"title":"Storage is unavailable.","status":503}"""));
    }

    [Fact]
    public void A_problem_that_names_a_dotnet_type_is_reported()
    {
        var leak = OpenApiContract.Check("POST", "/partners", 400, "application/problem+json",
            """{"title":"Bad.","status":400,"detail":"The JSON value could not be converted to ForumCloud.Functions.Partners.PartnerCreate."}""");
        Assert.Contains("names a .NET type (ForumCloud.Functions", leak);
    }

    [Fact]
    public async Task A_bad_activity_posted_to_the_bot_channel_is_400_as_documented()
    {
        var http = await SharedRunner.ClientAsync(); // the contract check runs on this answer too
        var response = await http.PostAsync("api/messages", Problems.Json("not an activity"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(OpenApiContract.Check("POST", "/messages", 400, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync()));
    }
}
