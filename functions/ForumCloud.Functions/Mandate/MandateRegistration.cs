using ForumCloud.Bot.Conversation;
using ForumCloud.Bot.Knowledge;
using ForumCloud.Functions.Platform;
using Microsoft.Bot.Builder;
using Microsoft.Bot.Builder.Integration.AspNet.Core;
using Microsoft.Bot.Connector.Authentication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
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
        // PLACEHOLDER until the events capability is merged: the lead registers the real adapter over the events table.
        services.TryAddSingleton<IOpenEventsSource, NoOpenEventsSource>();
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

/// <summary>
/// PLACEHOLDER, replaced at merge: answers "no open events" until the lead wires the events capability's adapter
/// in its place (registered with TryAdd, so registering the real source first wins).
/// </summary>
public sealed class NoOpenEventsSource : IOpenEventsSource
{
    public Task<IReadOnlyList<OpenForumEvent>> ListOpenAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<OpenForumEvent>>([]);
}
