using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ForumCloud.Functions.Mail;

public static class MailModule
{
    /// <summary>The outbox, its delivery over SMTP and the sweep. Tests swap <see cref="IMailTransport"/> or the options here.</summary>
    public static IServiceCollection AddMail(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(_ => MailSettings.FromConfiguration(configuration));
        services.TryAddSingleton(new MailDeliveryOptions());
        services.TryAddSingleton<IMailTransport, SmtpMailTransport>();
        services.AddSingleton<NoticeIndex>();
        services.AddSingleton<MailOutbox>();
        services.AddSingleton<MailDelivery>();
        services.AddSingleton<MailSweep>();
        services.AddSingleton<OutboxErasure>();
        return services;
    }
}
