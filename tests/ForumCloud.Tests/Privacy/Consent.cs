using ForumCloud.Functions.Privacy;

namespace ForumCloud.Tests.Privacy;

/// <summary>The privacy notice version every test form accepts: the one in seeds/, as a real client reads it from GET /api/privacy.</summary>
public static class Consent
{
    public static readonly string Version = new PrivacyNotices().Current.Version;
}
