namespace ForumCloud.Bot.Cli;

internal static class ChatCommand
{
    public static Task<int> RunAsync(TextReader input, TextWriter output) => Task.FromResult(0);
}
