using Microsoft.Bot.Builder;
using Microsoft.Bot.Schema;

namespace ForumCloud.Bot.Conversation;

/// <summary>A Bot Framework adapter for a terminal: each line typed is a message activity; replies are printed.</summary>
public sealed class ConsoleAdapter(TextWriter output) : BotAdapter
{
    private readonly ConversationReference _reference = new()
    {
        ChannelId = "console",
        ServiceUrl = "urn:console",
        Conversation = new ConversationAccount(id: "console"),
        User = new ChannelAccount("user", "You"),
        Bot = new ChannelAccount("bot", "ForumCloud"),
    };

    public Task StartAsync(IBot bot, CancellationToken cancellationToken)
    {
        var update = _reference.GetContinuationActivity();
        update.Type = ActivityTypes.ConversationUpdate;
        update.MembersAdded = [_reference.User];
        return ProcessAsync(update, bot, cancellationToken);
    }

    public Task SayAsync(string text, IBot bot, CancellationToken cancellationToken)
    {
        var message = _reference.GetContinuationActivity();
        message.Type = ActivityTypes.Message;
        message.Text = text;
        message.Id = Guid.NewGuid().ToString("N");
        return ProcessAsync(message, bot, cancellationToken);
    }

    private async Task ProcessAsync(Activity activity, IBot bot, CancellationToken cancellationToken)
    {
        using var context = new TurnContext(this, activity);
        await RunPipelineAsync(context, bot.OnTurnAsync, cancellationToken);
    }

    public override async Task<ResourceResponse[]> SendActivitiesAsync(ITurnContext turnContext, Activity[] activities, CancellationToken cancellationToken)
    {
        foreach (var activity in activities)
        {
            if (activity.Type != ActivityTypes.Message) continue;
            await output.WriteLineAsync($"bot> {activity.Text}");
            if (activity.SuggestedActions?.Actions is { Count: > 0 } actions)
            {
                await output.WriteLineAsync("     try: " + string.Join(" | ", actions.Select(a => a.Title)));
            }
        }

        return activities.Select(_ => new ResourceResponse(Guid.NewGuid().ToString("N"))).ToArray();
    }

    public override Task<ResourceResponse> UpdateActivityAsync(ITurnContext turnContext, Activity activity, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The console does not edit messages.");

    public override Task DeleteActivityAsync(ITurnContext turnContext, ConversationReference reference, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The console does not delete messages.");
}
