using ForumCloud.Bot.Conversation;
using ForumCloud.Bot.Knowledge;
using ForumCloud.Functions.Events;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Integration.AspNet.Core;
using Microsoft.Bot.Connector.Authentication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ForumCloud.Functions.Mandate;

public static class MandateModule
{
    public static IServiceCollection AddMandate(this IServiceCollection services, IConfiguration configuration)
    {
        // Built once per instance from seeds/ (the Lucene index, the embedding model, the knowledge vectors read
        // from seeds/mandate-vectors.arcticxs.bin); MandateWarmUp does it at start so no question waits for it.
        services.AddSingleton(_ => MandateAnswerer.FromSeeds(Path.GetDirectoryName(SeedFiles.PathOf(MandateSeeds.MandateFile))));
        services.AddHostedService<MandateWarmUp>();
        services.AddSingleton<BotEndpointPolicy>();
        services.AddSingleton<IOpenEventsSource, OpenEventsFromCatalog>();
        services.AddSingleton<UnansweredQuestionLog>();
        services.AddSingleton<IUnansweredQuestions>(sp => sp.GetRequiredService<UnansweredQuestionLog>());
        // The one conversation core: the bot, /api/ask and (through Direct Line) the page. No conversation state.
        services.AddSingleton<MandateConversation>();
        services.AddSingleton<IBot, MandateBot>();
        services.AddSingleton<BotFrameworkAuthentication>(sp => new ConfigurationBotFrameworkAuthentication(
            configuration, logger: sp.GetRequiredService<ILogger<ConfigurationBotFrameworkAuthentication>>()));
        services.AddSingleton<MandateBotAdapter>();
        services.AddSingleton<IDirectLineTokenSource>(sp => new DirectLineTokens(configuration[SettingNames.DirectLineSecret], sp.GetRequiredService<ILogger<DirectLineTokens>>()));
        services.AddSingleton<WebChatAssets>();
        return services;
    }
}

/// <summary>CloudAdapter with the bot's turn error handler (log and apologise).</summary>
public sealed class MandateBotAdapter : CloudAdapter
{
    public MandateBotAdapter(BotFrameworkAuthentication authentication, ILogger<MandateBotAdapter> logger)
        : base(authentication, logger)
    {
        OnTurnError = TurnErrors.Handler(logger);
    }
}

/// <summary>The bot's view of the events capability: published events whose registration is open now, with seats left and venue.</summary>
public sealed class OpenEventsFromCatalog(EventCatalog catalog) : IOpenEventsSource
{
    public async Task<IReadOnlyList<OpenForumEvent>> ListOpenAsync(CancellationToken ct) =>
        (await catalog.ListPublishedAsync(null, null, null, ct))
            .Where(e => e.RegistrationOpen)
            .Select(e => new OpenForumEvent(e.EventId, e.Title, e.StartsAt, e.SeatsLeft, e.Venue))
            .ToList();
}
