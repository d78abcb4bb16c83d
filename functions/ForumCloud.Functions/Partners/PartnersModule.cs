using Microsoft.Extensions.DependencyInjection;

namespace ForumCloud.Functions.Partners;

public static class PartnersModule
{
    public static IServiceCollection AddPartners(this IServiceCollection services)
    {
        services.AddSingleton<PartnerRegistry>();
        services.AddSingleton<CooperationBook>();
        services.AddSingleton<CooperationQuery>();
        services.AddSingleton<CooperationExpiry>();
        services.AddSingleton<ReminderDigest>();
        services.AddSingleton<ForumCloud.Functions.Platform.ISeedLoader, PartnerSeeds>();
        return services;
    }
}
