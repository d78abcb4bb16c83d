using ForumCloud.Bot.Knowledge;

namespace ForumCloud.Bot.Cli;

/// <summary>The measuring switches (--retrieval, --fusion, --calibration, --fusion-weights); without them the CLI answers as the app does.</summary>
internal static class CliOptions
{
    public static (List<string> Positional, RetrievalOptions Options, CalibrationSwitches Calibration) Parse(string[] args)
    {
        var positional = new List<string>();
        var options = new RetrievalOptions();
        var calibration = new CalibrationSwitches();
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
                case "--features" when i + 1 < args.Length:
                    calibration = calibration with { Features = args[++i] };
                    break;
                case "--negative-weight" when i + 1 < args.Length:
                    calibration = calibration with { NegativeWeight = double.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture) };
                    break;
                default:
                    positional.Add(args[i]);
                    break;
            }
        }

        return (positional, options, calibration);
    }

    private static double[] Numbers(string list) => list.Split(',').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
}

/// <summary>What `calibrate` fits: the feature names (comma-separated; null: the candidate sets) and how much a must-refuse question weighs.</summary>
internal sealed record CalibrationSwitches(string? Features = null, double NegativeWeight = 1);
