using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ForumCloud.Tests.Infra;

/// <summary>
/// azure.yaml: valid against the official azd schema (when ../shared/schemas has it) and against the
/// project's own rules, and in step with infra/ (service tag, hooks, parameters).
/// </summary>
public sealed class AzureYamlTests
{
    private static string AzureYamlPath => Path.Combine(BicepCli.RepoRoot, "azure.yaml");

    // Loaded once: JsonSchema.Net registers a schema by its $id and refuses a second registration.
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromFile(SchemaPath));

    private const string SchemaMissing = "The official azure.yaml schema ships beside the repository (../shared/schemas), not in it, and is not there.";

    private static string SchemaPath => Path.GetFullPath(Path.Combine(BicepCli.RepoRoot, "..", "shared", "schemas", "azure.yaml.schema.json"));

    [SkippableFact]
    public void Azure_yaml_is_valid_against_the_official_schema_when_present()
    {
        Skip.IfNot(File.Exists(SchemaPath), SchemaMissing);

        var results = Validate(File.ReadAllText(AzureYamlPath));
        Assert.True(results.IsValid, "azure.yaml does not match the azd schema:\n" + Describe(results));
    }

    [SkippableFact]
    public void The_schema_check_catches_a_wrong_hook_shell()
    {
        Skip.IfNot(File.Exists(SchemaPath), SchemaMissing);

        var broken = File.ReadAllText(AzureYamlPath).Replace("shell: sh", "shell: bash");
        Assert.NotEqual(File.ReadAllText(AzureYamlPath), broken);
        Assert.False(Validate(broken).IsValid);
    }

    [Fact]
    public void The_one_service_is_the_functions_project_hosted_as_a_function_app()
    {
        var root = AzureYaml();
        Assert.Matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", (string?)root["name"]);
        var service = Assert.Single(root["services"]!.AsObject());
        Assert.Equal("function", (string?)service.Value!["host"]);
        Assert.Equal("dotnet", (string?)service.Value["language"]);

        var project = Path.GetFullPath(Path.Combine(BicepCli.RepoRoot, (string)service.Value["project"]!));
        Assert.True(Directory.Exists(project), $"service project {project} does not exist");
        var csproj = Assert.Single(Directory.GetFiles(project, "*.csproj"));
        // The test project references (and so builds) this very project: the Functions app.
        Assert.Equal(typeof(ForumCloud.Functions.Platform.ForumCloudServices).Assembly.GetName().Name, Path.GetFileNameWithoutExtension(csproj));
        var text = File.ReadAllText(csproj);
        Assert.Contains("<AzureFunctionsVersion>v4</AzureFunctionsVersion>", text);
        Assert.Contains("Microsoft.Azure.Functions.Worker.Sdk", text);
    }

    [Fact]
    public void The_service_name_is_the_function_apps_azd_service_name_tag()
    {
        var serviceName = Assert.Single(AzureYaml()["services"]!.AsObject()).Key;
        var site = CompiledInfra.Evaluate().Single("Microsoft.Web/sites");
        var tags = site.Object("tags");

        Assert.Equal(serviceName, tags["azd-service-name"]);
        Assert.Equal("forumcloud-ci", tags["azd-env-name"]);
    }

    [Fact]
    public void Infra_settings_point_at_the_subscription_scoped_main_bicep()
    {
        var infra = AzureYaml()["infra"]!;
        Assert.Equal("bicep", (string?)infra["provider"]);
        Assert.True(File.Exists(Path.Combine(BicepCli.RepoRoot, (string)infra["path"]!, (string)infra["module"]! + ".bicep")));
    }

    [Fact]
    public void The_postdeploy_hook_has_a_posix_and_a_powershell_script()
    {
        var hook = AzureYaml()["hooks"]!["postdeploy"]!;
        Assert.Equal("sh", (string?)hook["posix"]!["shell"]);
        Assert.Equal("pwsh", (string?)hook["windows"]!["shell"]);
        var posix = Path.Combine(BicepCli.RepoRoot, (string)hook["posix"]!["run"]!);
        var windows = Path.Combine(BicepCli.RepoRoot, (string)hook["windows"]!["run"]!);
        Assert.True(File.Exists(posix), posix);
        Assert.True(File.Exists(windows), windows);
        Assert.EndsWith(".ps1", windows);
        Assert.StartsWith("#!/bin/sh", File.ReadAllText(posix));
        if (!OperatingSystem.IsWindows()) Assert.True((File.GetUnixFileMode(posix) & UnixFileMode.UserExecute) != 0, "postdeploy.sh is not executable");
    }

    [Fact]
    public void Main_parameters_json_feeds_every_required_parameter_from_the_azd_environment()
    {
        var file = JsonNode.Parse(File.ReadAllText(Path.Combine(BicepCli.InfraDirectory, "main.parameters.json")))!["parameters"]!.AsObject();
        var declared = CompiledInfra.Json["parameters"]!.AsObject();

        Assert.All(file, p => Assert.True(declared.ContainsKey(p.Key), $"main.parameters.json sets {p.Key}, which main.bicep does not declare"));
        Assert.All(declared.Where(p => p.Value!["defaultValue"] is null), p => Assert.True(file.ContainsKey(p.Key), $"required parameter {p.Key} is not in main.parameters.json"));
        Assert.Equal("${AZURE_ENV_NAME}", (string?)file["environmentName"]!["value"]);
        Assert.Equal("${AZURE_LOCATION}", (string?)file["location"]!["value"]);
        Assert.Equal("${AZURE_PRINCIPAL_ID}", (string?)file["principalId"]!["value"]);
        Assert.StartsWith("${FORUMCLOUD_EASY_AUTH_ENABLED=false}", (string?)file["easyAuthEnabled"]!["value"]);
    }

    private static EvaluationResults Validate(string yaml)
    {
        using var document = JsonDocument.Parse(ToJson(yaml).ToJsonString());
        return Schema.Value.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
    }

    private static string Describe(EvaluationResults results) =>
        string.Join("\n", (results.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}")));

    private static JsonObject AzureYaml() => ToJson(File.ReadAllText(AzureYamlPath)).AsObject();

    /// <summary>YAML to JSON with YAML 1.2 core types for plain scalars (true/false, numbers, null).</summary>
    private static JsonNode ToJson(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return Convert(stream.Documents[0].RootNode)!;
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(p => KeyValuePair.Create(((YamlScalarNode)p.Key).Value!, Convert(p.Value)))),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(Convert).ToArray()),
        YamlScalarNode { Style: ScalarStyle.Plain } scalar => scalar.Value switch
        {
            null or "" or "~" or "null" => null,
            "true" => JsonValue.Create(true),
            "false" => JsonValue.Create(false),
            var v when long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) => JsonValue.Create(l),
            var v => JsonValue.Create(v),
        },
        YamlScalarNode scalar => JsonValue.Create(scalar.Value),
        _ => throw new NotSupportedException(node.GetType().Name),
    };
}
