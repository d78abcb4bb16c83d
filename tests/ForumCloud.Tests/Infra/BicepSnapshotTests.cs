using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ForumCloud.Functions.Platform;

namespace ForumCloud.Tests.Infra;

/// <summary>
/// A second opinion from the ARM template engine itself: `bicep snapshot` predicts, offline, the resources
/// a deployment would create (real names: uniqueString and the copy loops evaluated by the engine). The
/// prediction must succeed, create the code's tables and queues, and give every resource a name Azure accepts.
/// </summary>
public sealed class BicepSnapshotTests
{
    private static readonly Lazy<JsonObject> Snapshot = new(Predict);

    [Fact]
    public void The_arm_engine_predicts_the_deployment_without_diagnostics()
    {
        Assert.Empty(Snapshot.Value["diagnostics"]?.AsArray() ?? []);
        Assert.Contains(Resources(), r => (string?)r["type"] == "Microsoft.Web/sites");
    }

    [Fact]
    public void The_predicted_tables_and_queues_are_the_codes()
    {
        Assert.Equal(TableNames.All.Order(), Names("Microsoft.Storage/storageAccounts/tableServices/tables").Order());
        Assert.Equal(QueueNames.AllWithPoison.Order(), Names("Microsoft.Storage/storageAccounts/queueServices/queues").Order());
    }

    [Fact]
    public void Every_predicted_name_is_one_Azure_accepts()
    {
        AssertName("Microsoft.Resources/resourceGroups", @"^rg-forumcloud-ci$");
        AssertName("Microsoft.Storage/storageAccounts", "^[a-z0-9]{3,24}$");
        AssertName("Microsoft.KeyVault/vaults", "^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$");
        AssertName("Microsoft.Web/sites", "^[a-zA-Z0-9][a-zA-Z0-9-]{0,58}[a-zA-Z0-9]$");
        AssertName("Microsoft.Web/serverfarms", "^[a-zA-Z0-9-]{1,60}$");
        AssertName("Microsoft.ManagedIdentity/userAssignedIdentities", "^[a-zA-Z0-9][a-zA-Z0-9_-]{2,127}$");
        AssertName("Microsoft.BotService/botServices", "^[a-zA-Z0-9][a-zA-Z0-9_.-]{1,63}$");
        AssertName("Microsoft.Insights/components", "^[^%&\\\\?/]{1,260}$");
        AssertName("Microsoft.OperationalInsights/workspaces", "^[a-zA-Z0-9][a-zA-Z0-9-]{2,61}[a-zA-Z0-9]$");
        // Blob containers 3-63, tables 3-63 alphanumeric starting with a letter, queues 3-63 lowercase and hyphens.
        Assert.All(Names("Microsoft.Storage/storageAccounts/blobServices/containers"), n => Assert.Matches("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$", n));
        Assert.All(Names("Microsoft.Storage/storageAccounts/tableServices/tables"), n => Assert.Matches("^[A-Za-z][A-Za-z0-9]{2,62}$", n));
        Assert.All(Names("Microsoft.Storage/storageAccounts/queueServices/queues"), n => Assert.Matches("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$", n));

        var assignments = Names("Microsoft.Authorization/roleAssignments");
        Assert.Equal(5, assignments.Length);
        Assert.All(assignments, n => Assert.True(Guid.TryParse(n, out _), n));
        Assert.Equal(assignments.Length, assignments.Distinct().Count());
    }

    [Fact]
    public void The_predicted_app_is_tagged_for_the_azure_yaml_service_and_reads_secrets_with_its_identity()
    {
        var site = Assert.Single(Resources(), r => (string?)r["type"] == "Microsoft.Web/sites");
        var yaml = new YamlDotNet.RepresentationModel.YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(Path.Combine(BicepCli.RepoRoot, "azure.yaml"))));
        var services = (YamlDotNet.RepresentationModel.YamlMappingNode)((YamlDotNet.RepresentationModel.YamlMappingNode)yaml.Documents[0].RootNode)["services"];
        Assert.Equal(Assert.Single(services.Children).Key.ToString(), (string?)site["tags"]!["azd-service-name"]);
        var identity = (string?)site["properties"]!["keyVaultReferenceIdentity"];
        Assert.Contains(identity, site["identity"]!["userAssignedIdentities"]!.AsObject().Select(i => i.Key));
        Assert.Equal(2, site["identity"]!["userAssignedIdentities"]!.AsObject().Count); // the app's and the bot's
        Assert.Equal(identity, (string?)site["properties"]!["functionAppConfig"]!["deployment"]!["storage"]!["authentication"]!["userAssignedIdentityResourceId"]);
    }

    private static void AssertName(string type, string pattern)
    {
        var names = Names(type);
        Assert.NotEmpty(names);
        Assert.All(names, name => Assert.True(Regex.IsMatch(name, pattern), $"{type} name '{name}' does not match {pattern}"));
    }

    private static string[] Names(string type) => Resources()
        .Where(r => (string?)r["type"] == type)
        .Select(r => ((string)r["name"]!).Split('/')[^1])
        .ToArray();

    private static IEnumerable<JsonObject> Resources() => Snapshot.Value["predictedResources"]!.AsArray().Select(r => r!.AsObject());

    private static JsonObject Predict()
    {
        // snapshot reads a .bicepparam and writes <name>.snapshot.json beside it: work in a copy of infra/.
        using var copy = InfraCopy.Create();
        var parameters = Path.Combine(copy.Root, "main.bicepparam");
        File.WriteAllText(parameters, "using 'main.bicep'\nparam environmentName = 'forumcloud-ci'\nparam location = 'eastasia'\nparam idempotencySeal = 'ci-seal-0123456789abcdef'\n");

        var run = BicepCli.Run("snapshot", parameters, "--mode", "overwrite",
            "--subscription-id", "00000000-0000-0000-0000-0000000000aa", "--tenant-id", "00000000-0000-0000-0000-0000000000bb",
            "--location", "eastasia");
        Assert.True(run.ExitCode == 0, $"bicep snapshot exited {run.ExitCode}:\n{run.Stderr}{run.Stdout}");
        Assert.Empty(run.Refused);
        return JsonNode.Parse(File.ReadAllText(Path.Combine(copy.Root, "main.snapshot.json")))!.AsObject();
    }
}
