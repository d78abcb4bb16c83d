using ForumCloud.Bot.Conversation;
using ForumCloud.Bot.Knowledge;
using ForumCloud.Functions.Events;
using ForumCloud.Functions.Platform;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Integration.AspNet.Core;
using Microsoft.Bot.Connector.Authentication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ForumCloud.Functions.Mandate;

public static class MandateRegistration
{
    public static IServiceCollection AddMandate(this IServiceCollection services, IConfiguration configuration)
    {
        // The knowledge index is built once, at start-up, from seeds/.
        services.AddSingleton(_ => MandateAnswerer.FromSeeds(Path.GetDirectoryName(SeedFiles.PathOf(MandateSeeds.MandateFile))));
        services.AddHostedService<MandateWarmUp>();
        services.AddSingleton<IStorage, MemoryStorage>();
        services.AddSingleton(sp => new ConversationState(sp.GetRequiredService<IStorage>()));
        services.AddSingleton<IOpenEventsSource, OpenEventsFromCatalog>();
        services.AddSingleton<IBot, MandateBot>();
        services.AddSingleton<BotFrameworkAuthentication>(sp => new ConfigurationBotFrameworkAuthentication(
            configuration, logger: sp.GetRequiredService<ILogger<ConfigurationBotFrameworkAuthentication>>()));
        services.AddSingleton<MandateBotAdapter>();
        services.AddSingleton(sp => new DirectLineTokens(configuration[SettingNames.DirectLineSecret], sp.GetRequiredService<ILogger<DirectLineTokens>>()));
        services.AddSingleton<WebChatAssets>();
        return services;
    }
}

/// <summary>CloudAdapter with the bot's turn error handler (log, apologise, clear the conversation state).</summary>
public sealed class MandateBotAdapter : CloudAdapter
{
    public MandateBotAdapter(BotFrameworkAuthentication authentication, ConversationState conversationState, ILogger<MandateBotAdapter> logger)
        : base(authentication, logger)
    {
        OnTurnError = TurnErrors.Handler(conversationState, logger);
    }
}

/// <summary>The bot's view of the events capability: published events whose registration is open now, with seats left.</summary>
public sealed class OpenEventsFromCatalog(EventCatalog catalog) : IOpenEventsSource
{
    public async Task<IReadOnlyList<OpenForumEvent>> ListOpenAsync(CancellationToken ct) =>
        (await catalog.ListOpenForRegistrationAsync(ct)).Select(e => new OpenForumEvent(e.EventId, e.Title, e.StartsAt, e.SeatsLeft)).ToList();
}
