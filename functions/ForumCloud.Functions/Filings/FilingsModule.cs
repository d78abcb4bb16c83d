using Microsoft.Extensions.DependencyInjection;

namespace ForumCloud.Functions.Filings;

public static class FilingsModule
{
    public static IServiceCollection AddFilings(this IServiceCollection services)
    {
        // Reference data from seeds/, read once per process.
        services.AddSingleton(_ => WorkingDayCalendar.LoadSeed());
        services.AddSingleton(_ => TechnologyCatalogue.LoadSeed());
        services.AddSingleton<EnglishTerms>();
        services.AddSingleton<IFilingScreening, FilingScreening>();
        services.AddSingleton<FilingDeadlines>();
        services.AddSingleton<FilingStore>();
        services.AddSingleton<FilingKeys>();
        // One per process: it coalesces concurrent assignments (see CertificateCounter).
        services.AddSingleton(sp => new CertificateCounter(sp.GetRequiredService<StorageAccount>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<FilingProcessor>();
        // One per process: it gathers concurrent submissions into one queue message.
        services.AddSingleton<FilingQueue>();
        services.AddSingleton<FilingSubmissions>();
        services.AddSingleton(new FilingSweepOptions());
        services.AddSingleton<FilingSweep>();
        services.AddSingleton<FilingDecisions>();
        services.AddSingleton<FilingViews>();
        services.AddSingleton<ApplicantRegistry>();
        services.AddSingleton<AutoRegistration>();
        services.AddSingleton<FilingVoids>();
        return services;
    }
}
