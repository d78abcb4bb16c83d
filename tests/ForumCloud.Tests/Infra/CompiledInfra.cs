using System.Text.Json.Nodes;

namespace ForumCloud.Tests.Infra;

/// <summary>infra/main.bicep compiled once per test run (bicep build takes a few seconds).</summary>
public static class CompiledInfra
{
    private static readonly Lazy<(BicepRun Run, JsonObject? Template)> Build = new(() => BicepCli.Build(BicepCli.MainBicep));

    public static BicepRun BuildRun => Build.Value.Run;

    public static JsonObject Json => Build.Value.Template
        ?? throw new InvalidOperationException($"bicep build failed (exit {BuildRun.ExitCode}):\n{BuildRun.Stderr}");

    /// <summary>
    /// The template as azd would deploy it with the given parameters (main.parameters.json's values for an
    /// environment "forumcloud-ci" in eastasia, defaults otherwise).
    /// </summary>
    public static ArmTemplate Evaluate(IReadOnlyDictionary<string, object?>? overrides = null)
    {
        var parameters = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase)
        {
            ["environmentName"] = "forumcloud-ci",
            ["location"] = "eastasia",
            ["idempotencySeal"] = "ci-seal-0123456789abcdef", // azd's secretOrRandomPassword fills it (main.parameters.json)
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, object?>()) parameters[key] = value;
        return ArmTemplate.Load(Json, parameters);
    }
}
