using ForumCloud.Functions.Desk;
using ForumCloud.Functions.Events;
using ForumCloud.Functions.Filings;
using ForumCloud.Functions.Health;
using ForumCloud.Functions.Mail;
using ForumCloud.Functions.Partners;
using ForumCloud.Functions.Mandate;
using ForumCloud.Functions.Privacy;
using ForumCloud.Functions.Retention;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ForumCloud.Functions.Platform;

/// <summary>
/// The one place where ForumCloud's services are registered. The Function App's Program and the
/// local runner (ForumCloud.DevHost) both call it, so the two hosts run the same object graph.
/// </summary>
public static class ForumCloudServices
{
    public static IServiceCollection AddForumCloud(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(_ => StorageAccount.FromConfiguration(configuration));
        services.AddSingleton<StorageHealth>();
        services.AddSingleton<StaffGate>();
        services.AddSingleton<RateLimits>();
        services.AddSingleton<HttpEdge>();
        // Answers are ordinary MVC results and problem details, in the API's one JSON dialect. The worker's ASP.NET
        // Core integration registers MVC itself; the local runner adds MVC Core (ForumCloud.DevHost).
        services.Configure<Microsoft.AspNetCore.Mvc.JsonOptions>(options => ApiJson.Apply(options.JsonSerializerOptions));
        services.AddSingleton<Microsoft.AspNetCore.Http.IProblemDetailsWriter, ApiProblemWriter>();
        services.AddProblemDetails();
        services.AddSingleton<ForumTelemetry>();

        // Capabilities register themselves here, one line each.
        services.AddMail(configuration);
        services.AddEvents();
        services.AddPartners();
        services.AddFilings();
        services.AddMandate(configuration);
        services.AddPrivacy();
        services.AddRetention(configuration);
        services.AddDesk();
        return services;
    }
}
