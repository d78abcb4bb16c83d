using Microsoft.Extensions.Configuration;

namespace ForumCloud.Functions.Mandate;

/// <summary>
/// Who may call /api/messages. Without MicrosoftAppId, CloudAdapter accepts any caller, as the Bot Framework
/// Emulator needs locally. In Azure (App Service sets WEBSITE_SITE_NAME) that would let anyone post activities as
/// any channel, so there the endpoint refuses to serve until the bot's app id is configured.
/// </summary>
public sealed class BotEndpointPolicy(IConfiguration configuration)
{
    public const string AzureSiteSetting = "WEBSITE_SITE_NAME";

    public bool InAzure => !string.IsNullOrEmpty(configuration[AzureSiteSetting]);

    public bool Authenticated => !string.IsNullOrEmpty(configuration[SettingNames.MicrosoftAppId]);

    public void Demand()
    {
        if (InAzure && !Authenticated)
        {
            throw new ProblemException(503, "The bot endpoint is not configured.",
                "In Azure /api/messages needs the bot's app id (MicrosoftAppId, set by infra/) so that only the Bot Connector can call it.")
            {
                RetryAfterSeconds = 300,
            };
        }
    }
}
