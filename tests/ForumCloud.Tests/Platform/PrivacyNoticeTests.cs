using System.Net;
using System.Text.Json;
using ForumCloud.Functions.Platform;
using ForumCloud.Functions.Privacy;
using ForumCloud.Tests.Infrastructure;

namespace ForumCloud.Tests.Platform;

public sealed class PrivacyNoticeTests
{
    private readonly PrivacyNotices _notices = new(SeedFiles.PathOf("privacy-notice.json"));

    [Fact]
    public void The_shipped_notice_has_a_version_and_both_languages_naming_the_rights()
    {
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", _notices.Current.Version);
        Assert.Contains("180", _notices.Current.En); // the retention the purge applies
        Assert.Contains("erase", _notices.Current.En);
        Assert.Contains("删除", _notices.Current.Zh);
        Assert.Contains("个人信息保护法", _notices.Current.Zh);
    }

    [Fact]
    public void Only_the_current_version_counts_as_consent()
    {
        Assert.Equal(_notices.Current.Version, _notices.RequireAccepted(_notices.Current.Version));

        foreach (var refused in new[] { null, "", "2020-01-01", _notices.Current.Version + " " })
        {
            var problem = Assert.Throws<ProblemException>(() => _notices.RequireAccepted(refused));
            Assert.Equal(422, problem.Status);
            Assert.Contains(PrivacyNotices.Field, problem.Errors!.Keys);
            Assert.Contains(_notices.Current.Version, problem.Detail);
        }
    }

    [Fact]
    public async Task The_notice_is_served_to_anyone()
    {
        using var client = await SharedRunner.ClientAsync();
        using var response = await client.GetAsync("api/privacy");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(_notices.Current.Version, body.RootElement.GetProperty("version").GetString());
        Assert.Equal(_notices.Current.Zh, body.RootElement.GetProperty("zh").GetString());
        Assert.Equal(_notices.Current.En, body.RootElement.GetProperty("en").GetString());
        // The periods in force beside the text, which states the defaults.
        var retention = body.RootElement.GetProperty("retention");
        Assert.Equal((180, 30, 30), (retention.GetProperty("registrationDays").GetInt32(), retention.GetProperty("noticeBodyDays").GetInt32(), retention.GetProperty("filingYears").GetInt32()));
    }

    [Fact]
    public void A_form_with_other_mistakes_gets_one_400_listing_the_consent_too()
    {
        var errors = new FieldErrors();
        errors.Add("email", "Not an email address.");
        var problem = Assert.Throws<ProblemException>(() => _notices.Accept(errors, null));
        Assert.Equal(400, problem.Status);
        Assert.Equal(new[] { "email", PrivacyNotices.Field }, problem.Errors!.Keys.Order());
    }
}
