using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace ForumCloud.Functions.Privacy;

/// <summary>The privacy notice every form links to and every registration, partner and applicant accepts by version.</summary>
public sealed class PrivacyFunctions(PrivacyNotices notices, Retention.RetentionPolicy retention)
{
    [Function("PrivacyNotice")]
    public IActionResult Notice(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "privacy")] HttpRequest request)
    {
        var current = notices.Current;
        // The periods in force beside the text, which states the defaults: a changed setting is visible here at once.
        return new OkObjectResult(new
        {
            version = current.Version,
            zh = current.Zh,
            en = current.En,
            retention = new { registrationDays = retention.RegistrationDays, noticeBodyDays = retention.NoticeBodyDays, filingYears = retention.FilingYears },
        });
    }
}
