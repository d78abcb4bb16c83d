using System.Text.Json.Nodes;
using ForumCloud.DevHost;
using ForumCloud.Tests.Infra;
using Microsoft.Extensions.Configuration;

namespace ForumCloud.Tests.Runner;

/// <summary>host.json carries production values; the tests and the runner override them as app settings, never by editing it.</summary>
public sealed class HostJsonTests
{
    private static readonly string RepositoryHostJson = Path.Combine(BicepCli.RepoRoot, "host.json");

    [Fact]
    public void The_shipped_host_json_has_values_for_Azure_not_for_tests()
    {
        var queues = JsonNode.Parse(File.ReadAllText(RepositoryHostJson))!["extensions"]!["queues"]!;

        // Five tries must span minutes, so a short storage blip does not spend them all.
        Assert.True(TimeSpan.Parse((string)queues["visibilityTimeout"]!) >= TimeSpan.FromSeconds(30));
        Assert.True(queues["maxPollingInterval"] is null || TimeSpan.Parse((string)queues["maxPollingInterval"]!) >= TimeSpan.FromSeconds(10));
        Assert.NotNull(queues["maxDequeueCount"]); // the one place the count of tries is written
    }

    [Fact]
    public void AzureFunctionsJobHost_settings_override_the_file_as_in_the_host()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureFunctionsJobHost:extensions:queues:visibilityTimeout"] = "00:00:01",
            ["AzureFunctionsJobHost:Extensions:Queues:BatchSize"] = "4",
            ["AzureFunctionsJobHost:functions:0"] = "Health",
        }).Build();

        var file = HostJson.Load(RepositoryHostJson, new ConfigurationBuilder().Build());
        var overridden = HostJson.Load(RepositoryHostJson, configuration);

        Assert.Equal(TimeSpan.FromSeconds(30), file.Queues.VisibilityTimeout);
        Assert.Empty(file.Functions);
        Assert.Equal(TimeSpan.FromSeconds(1), overridden.Queues.VisibilityTimeout);
        Assert.Equal(4, overridden.Queues.BatchSize);
        Assert.Equal(file.Queues.MaxDequeueCount, overridden.Queues.MaxDequeueCount);
        Assert.Equal(["Health"], overridden.Functions);
    }

    [SkippableFact]
    public async Task The_test_runners_get_their_fast_retries_from_the_environment_not_from_host_json()
    {
        Assert.Equal("00:00:01", Environment.GetEnvironmentVariable(Infrastructure.TestHostSettings.VisibilityTimeout));
        await Infrastructure.SharedRunner.ClientAsync();
        Skip.If(Infrastructure.SharedRunner.App is null, "Against a deployed app there is no local runner to inspect.");
        Assert.Equal(TimeSpan.FromSeconds(1), Infrastructure.SharedRunner.App!.HostJson.Queues.VisibilityTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2), Infrastructure.SharedRunner.App.HostJson.Queues.MaxPollingInterval);
    }
}
