using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ForumCloud.Functions.Retention;

public static class RetentionModule
{
    public static IServiceCollection AddRetention(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(_ => RetentionPolicy.FromConfiguration(configuration));
        services.AddSingleton<RetentionSweep>();
        return services;
    }
}
