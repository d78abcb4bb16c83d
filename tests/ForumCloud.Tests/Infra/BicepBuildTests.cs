using System.Text.Json.Nodes;

namespace ForumCloud.Tests.Infra;

/// <summary>infra/ compiles and lints offline with the Bicep CLI, with no error and no warning.</summary>
public sealed class BicepBuildTests
{
    [Fact]
    public void Main_bicep_builds_without_errors_or_warnings()
    {
        var run = CompiledInfra.BuildRun;
        Assert.True(run.ExitCode == 0, $"bicep build exited {run.ExitCode}:\n{run.Stderr}");
        Assert.Empty(run.Refused);
        Assert.Equal("https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#", (string?)CompiledInfra.Json["$schema"]);
    }

    [Fact]
    public void Main_bicep_lints_without_errors_or_warnings()
    {
        var run = BicepCli.Run("lint", BicepCli.MainBicep);
        Assert.True(run.ExitCode == 0, $"bicep lint exited {run.ExitCode}:\n{run.Stderr}");
        Assert.Empty(run.Refused);
    }

    [Fact]
    public void A_misspelt_property_is_only_a_warning_to_bicep_but_refused_here()
    {
        using var copy = InfraCopy.Create();
        copy.Replace("app/api.bicep", "httpsOnly: true", "httpsOnli: true");
        copy.Replace("app/api.bicep", "ftpsState: 'Disabled'", "ftpsState: 42");

        var run = BicepCli.Run("build", copy.MainBicep, "--stdout");

        Assert.Equal(0, run.ExitCode); // why the check cannot rely on the exit code
        Assert.Contains(run.Refused, d => d.Code == "BCP089" && d.Message.Contains("httpsOnli"));
        Assert.Contains(run.Refused, d => d.Code == "BCP036" && d.Message.Contains("ftpsState"));
    }

    [Fact]
    public void Linter_rules_configured_as_errors_fail_the_lint()
    {
        using var copy = InfraCopy.Create();
        copy.Replace("main.bicep", "var abbrs =", "param leftOver string = 'x'\nvar abbrs =");

        var run = BicepCli.Run("lint", copy.MainBicep);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains(run.Diagnostics, d => d.Level == "Error" && d.Code == "no-unused-params");
    }

    [Fact]
    public void Bicepconfig_raises_the_security_and_hygiene_rules_to_errors()
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(BicepCli.InfraDirectory, "bicepconfig.json")))!;
        var rules = config["analyzers"]!["core"]!["rules"]!.AsObject();
        string[] mustBeErrors =
        [
            "outputs-should-not-contain-secrets", "secure-secrets-in-params", "use-secure-value-for-secure-inputs",
            "no-hardcoded-env-urls", "no-hardcoded-location", "no-unused-params", "no-unused-vars",
            "no-unnecessary-dependson", "use-resource-id-functions", "what-if-short-circuiting",
        ];
        foreach (var rule in mustBeErrors) Assert.Equal("error", (string?)rules[rule]?["level"]);
    }

    [Fact]
    public void Every_module_is_a_local_file()
    {
        var files = Directory.GetFiles(BicepCli.InfraDirectory, "*.bicep", SearchOption.AllDirectories);
        Assert.Contains(files, f => f.EndsWith("main.bicep"));
        foreach (var file in files)
        {
            foreach (var line in File.ReadLines(file).Where(l => l.TrimStart().StartsWith("module ")))
            {
                var reference = line.Split('\'')[1];
                Assert.False(reference.StartsWith("br:") || reference.StartsWith("br/") || reference.StartsWith("ts:") || reference.StartsWith("ts/"),
                    $"{Path.GetFileName(file)} references registry module {reference}; registries cannot be restored offline");
                Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(file)!, reference)), $"{reference} (from {Path.GetFileName(file)}) does not exist");
            }
        }
    }
}

/// <summary>A throw-away copy of infra/ to show that the checks catch a broken template.</summary>
internal sealed class InfraCopy : IDisposable
{
    private InfraCopy(string root) => Root = root;

    public string Root { get; }

    public string MainBicep => Path.Combine(Root, "main.bicep");

    public static InfraCopy Create()
    {
        var root = Path.Combine(Path.GetTempPath(), "forumcloud-infra-" + Guid.NewGuid().ToString("N"));
        foreach (var file in Directory.GetFiles(BicepCli.InfraDirectory, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(root, Path.GetRelativePath(BicepCli.InfraDirectory, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return new InfraCopy(root);
    }

    public void Replace(string relativePath, string oldText, string newText)
    {
        var path = Path.Combine(Root, relativePath);
        var text = File.ReadAllText(path);
        Assert.Contains(oldText, text);
        File.WriteAllText(path, text.Replace(oldText, newText));
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
