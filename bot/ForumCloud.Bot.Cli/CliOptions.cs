using ForumCloud.Bot.Knowledge;

namespace ForumCloud.Bot.Cli;

/// <summary>The measuring switches (--retrieval, --fusion, --calibration, --fusion-weights); without them the CLI answers as the app does.</summary>
internal static class CliOptions
{
    public static (List<string> Positional, RetrievalOptions Options) Parse(string[] args)
    {
        var positional = new List<string>();
        var options = new RetrievalOptions();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--retrieval" when i + 1 < args.Length:
                    options = options with { Mode = Enum.Parse<Retrieval>(args[++i], ignoreCase: true) };
                    break;
                case "--fusion" when i + 1 < args.Length:
                    options = options with { Fusion = Enum.Parse<Fusion>(args[++i], ignoreCase: true) };
                    break;
                case "--calibration" when i + 1 < args.Length:
                    options = options with { Calibration = Numbers(args[++i]) };
                    break;
                case "--fusion-weights" when i + 1 < args.Length:
                    options = options with { FusionWeights = Numbers(args[++i]) };
                    break;
                default:
                    positional.Add(args[i]);
                    break;
            }
        }

        return (positional, options);
    }

    private static double[] Numbers(string list) => list.Split(',').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
}
