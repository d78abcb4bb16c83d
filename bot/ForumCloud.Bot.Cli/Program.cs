using System.Text.Json;
using ForumCloud.Bot.Cli;
using ForumCloud.Bot.Knowledge;

// The mandate bot from a terminal: chat (the real bot through a console adapter), ask, eval.
Console.OutputEncoding = System.Text.Encoding.UTF8;
var command = args.FirstOrDefault();
switch (command)
{
    case "ask" when args.Length >= 2:
    {
        var answerer = MandateAnswerer.FromSeeds();
        var answer = answerer.Ask(string.Join(' ', args.Skip(1)));
        Console.WriteLine(JsonSerializer.Serialize(answer, CliJson.Options));
        return 0;
    }
    case "eval" when args.Length == 2:
    {
        if (!File.Exists(args[1]))
        {
            Console.Error.WriteLine($"No such file: {args[1]}");
            return 2;
        }

        var answerer = MandateAnswerer.FromSeeds();
        var summary = MandateEvaluation.Run(answerer, File.ReadLines(args[1]), Console.Out);
        Console.WriteLine(summary.ToJson());
        return 0;
    }
    case "chat":
        return await ChatCommand.RunAsync(Console.In, Console.Out);
    default:
        Console.Error.WriteLine("""
            usage: dotnet run --project bot/ForumCloud.Bot.Cli -- chat
                   dotnet run --project bot/ForumCloud.Bot.Cli -- ask "Who prepares the Zhongguancun Forum?"
                   dotnet run --project bot/ForumCloud.Bot.Cli -- eval tests/eval/mandate-en.jsonl
            """);
        return 2;
}
