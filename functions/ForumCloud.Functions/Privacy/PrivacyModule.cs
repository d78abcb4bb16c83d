using Microsoft.Extensions.DependencyInjection;

namespace ForumCloud.Functions.Privacy;

public static class PrivacyModule
{
    public static IServiceCollection AddPrivacy(this IServiceCollection services) =>
        services.AddSingleton<PrivacyNotices>();
}
