using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ForumCloud.Functions.Events;

public static class EventsModule
{
    /// <summary>Forum events and registrations. The seat allocator is a singleton: its per-event lanes batch within the process.</summary>
    public static IServiceCollection AddEvents(this IServiceCollection services)
    {
        services.AddHybridCache();
        services.TryAddSingleton(new EventCacheOptions());
        services.AddSingleton<RegistrationChanges>();
        services.AddSingleton<EventCatalog>();
        services.AddSingleton<PublishedEventsPage>();
        services.AddSingleton<SeatAllocator>();
        services.AddSingleton<RegistrationDesk>();
        services.TryAddSingleton(sp => TokenSeal.FromConfiguration(sp.GetService<Microsoft.Extensions.Configuration.IConfiguration>()));
        services.AddSingleton<RegistrationErasure>();
        services.TryAddSingleton(sp => HoldOptions.FromConfiguration(sp.GetService<Microsoft.Extensions.Configuration.IConfiguration>()));
        services.AddSingleton<RegistrationHolds>();
        services.AddSingleton<RegisteringPartners>();
        services.AddSingleton<Delegations>();
        services.AddSingleton<StaffRegistrations>();
        services.AddSingleton<WaitlistPromotion>();
        services.AddSingleton<RegistrationNotices>();
        services.TryAddSingleton(new RegistrationSweepOptions());
        services.AddSingleton<RegistrationSweep>();
        services.AddSingleton<NoticeFailures>();
        services.AddSingleton<EventReminders>();
        services.AddSingleton<ISeedLoader, EventSeedLoader>();
        return services;
    }
}
