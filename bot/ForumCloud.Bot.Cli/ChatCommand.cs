using ForumCloud.Bot.Conversation;
using ForumCloud.Bot.Knowledge;
using Microsoft.Extensions.Logging.Abstractions;

namespace ForumCloud.Bot.Cli;

/// <summary>`chat`: a terminal conversation through the real bot (welcome, help, answers, suggested actions).</summary>
internal static class ChatCommand
{
    public static async Task<int> RunAsync(TextReader input, TextWriter output)
    {
        var conversation = new MandateConversation(MandateAnswerer.FromSeeds(), new NoEvents(), new NoUnansweredRecord(), TimeProvider.System, NullLogger<MandateConversation>.Instance);
        var bot = new MandateBot(conversation);
        var adapter = new ConsoleAdapter(output);
        adapter.OnTurnError = TurnErrors.Handler(NullLogger.Instance);
        await adapter.StartAsync(bot, CancellationToken.None);
        while (true)
        {
            await output.WriteAsync("you> ");
            var line = await input.ReadLineAsync();
            if (line is null || line.Trim() is "exit" or "quit") return 0;
            await adapter.SayAsync(line, bot, CancellationToken.None);
        }
    }
}

/// <summary>The terminal has no storage to read forum events from; the Function App's bot lists them.</summary>
internal sealed class NoEvents : IOpenEventsSource
{
    public Task<IReadOnlyList<OpenForumEvent>> ListOpenAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<OpenForumEvent>>([]);
}
