using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using ForumCloud.DevHost;
using ForumCloud.Functions.Platform;
using ForumCloud.Tests.Infrastructure;
using Microsoft.Azure.Functions.Worker.Core.FunctionMetadata;

namespace ForumCloud.Tests.Runner;

/// <summary>
/// Azure indexes the Function App from the metadata the SDK generates (the source-generated
/// <c>GeneratedFunctionMetadataProvider</c>, and <c>functions.metadata</c> in the build output); the runner
/// reads the attributes by reflection. These tests hold the two to the same catalogue.
/// </summary>
public sealed class MetadataParityTests
{
    /// <summary>Every binding property the runner honours. A property outside this list would be one it ignores.</summary>
    private static readonly HashSet<string> UnderstoodProperties =
        ["name", "type", "direction", "dataType", "properties", "authLevel", "methods", "route", "queueName", "connection", "schedule", "runOnStartup", "useMonitor"];

    private static readonly Assembly App = typeof(ForumCloudServices).Assembly;

    [Fact]
    public async Task The_runner_discovers_exactly_the_functions_the_generated_metadata_provider_declares()
    {
        var generated = await GeneratedMetadataAsync();
        var runner = FunctionCatalog.Discover([App]).ToDictionary(f => f.Name);

        Assert.Equal(generated.Select(g => g.Name!).Order(), runner.Keys.Order());
        foreach (var function in generated)
        {
            var descriptor = runner[function.Name!];
            Assert.Equal(function.EntryPoint, descriptor.EntryPoint);
            Assert.Equal(App.GetName().Name + ".dll", function.ScriptFile);
            var bindings = function.RawBindings!.Select(b => JsonNode.Parse(b)!.AsObject()).ToList();
            AssertOnlyBindingsTheRunnerHosts(descriptor, bindings);
            AssertTriggerMatches(descriptor, bindings.Single(b => ((string)b["type"]!).EndsWith("Trigger", StringComparison.Ordinal)));
        }
    }

    [Fact]
    public async Task The_build_output_functions_metadata_lists_the_same_functions_as_the_generated_provider()
    {
        var file = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "functions.metadata")))!.AsArray();
        var generated = await GeneratedMetadataAsync();
        Assert.Equal(generated.Select(g => g.Name!).Order(), file.Select(f => (string)f!["name"]!).Order());
        foreach (var entry in file)
        {
            var twin = generated.Single(g => g.Name == (string)entry!["name"]!);
            Assert.Equal(twin.EntryPoint, (string)entry!["entryPoint"]!);
            var declared = entry["bindings"]!.AsArray().Select(b => Canonical(b!.AsObject())).Order();
            Assert.Equal(twin.RawBindings!.Select(b => Canonical(JsonNode.Parse(b)!.AsObject())).Order(), declared);
        }
    }

    [SkippableFact]
    public async Task The_names_the_running_runner_lists_at_admin_functions_equal_the_names_in_functions_metadata()
    {
        Skip.If(SharedRunner.ExternalBaseUrl is not null, "Against a deployed app the admin API needs the master key, which the tests do not hold.");
        var http = await SharedRunner.ClientAsync();
        var listed = JsonNode.Parse(await http.GetStringAsync("admin/functions"))!.AsArray().Select(f => (string)f!["name"]!);
        var file = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "functions.metadata")))!.AsArray();

        Assert.Equal(file.Select(f => (string)f!["name"]!).Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
    }

    private static void AssertOnlyBindingsTheRunnerHosts(FunctionDescriptor descriptor, List<JsonObject> bindings)
    {
        foreach (var binding in bindings)
        {
            var type = (string)binding["type"]!;
            var direction = (string)binding["direction"]!;
            var hosted = (direction == "In" && type == descriptor.Trigger.ToString().ToLowerInvariant() + "Trigger")
                || (descriptor.Trigger == TriggerKind.Http && direction == "Out" && type == "http" && (string)binding["name"]! == "$return");
            Assert.True(hosted, $"{descriptor.Name}: the runner does not host the binding {binding.ToJsonString()}");

            var ignored = binding.Select(p => p.Key).Where(k => !UnderstoodProperties.Contains(k)).ToList();
            Assert.True(ignored.Count == 0, $"{descriptor.Name}: binding properties the runner ignores: {string.Join(", ", ignored)}");
            var nested = binding["properties"]?.AsObject().Select(p => p.Key).ToList() ?? [];
            Assert.True(nested.Count == 0, $"{descriptor.Name}: binding 'properties' the runner ignores: {string.Join(", ", nested)}");
        }
    }

    private static void AssertTriggerMatches(FunctionDescriptor descriptor, JsonObject trigger)
    {
        switch (descriptor.Trigger)
        {
            case TriggerKind.Http:
                Assert.Equal(descriptor.Http.AuthLevel.ToString(), (string?)trigger["authLevel"]);
                Assert.Equal(descriptor.HttpMethods.Select(m => m.ToLowerInvariant()), trigger["methods"]?.AsArray().Select(m => (string)m!) ?? []);
                Assert.Equal(descriptor.HttpRoute, (string?)trigger["route"] ?? descriptor.Name);
                break;
            case TriggerKind.Queue:
                Assert.Equal(descriptor.Queue.QueueName, (string?)trigger["queueName"]);
                Assert.Equal(descriptor.Queue.Connection, (string?)trigger["connection"]);
                break;
            case TriggerKind.Timer:
                Assert.Equal(descriptor.Timer.Schedule, (string?)trigger["schedule"]);
                Assert.Equal(descriptor.Timer.RunOnStartup, (bool?)trigger["runOnStartup"] ?? false);
                Assert.Equal(descriptor.Timer.UseMonitor, (bool?)trigger["useMonitor"] ?? true);
                break;
        }

        Assert.Equal(descriptor.TriggerParameter.Name, (string?)trigger["name"]);
    }

    /// <summary>A binding as sorted `key=value` pairs; an empty `properties` object counts as absent (the file writes one, the provider not).</summary>
    private static string Canonical(JsonObject binding) =>
        string.Join(";", binding.Where(p => !(p.Key == "properties" && p.Value is JsonObject { Count: 0 })).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value?.ToJsonString()}"));

    /// <summary>What Azure's worker indexing reads: the SDK's source-generated provider in the app assembly.</summary>
    private static async Task<IReadOnlyList<IFunctionMetadata>> GeneratedMetadataAsync()
    {
        var type = App.GetTypes().Single(t => typeof(IFunctionMetadataProvider).IsAssignableFrom(t) && t is { IsInterface: false, IsAbstract: false });
        Assert.Equal("GeneratedFunctionMetadataProvider", type.Name);
        var provider = (IFunctionMetadataProvider)Activator.CreateInstance(type, nonPublic: true)!;
        return await provider.GetFunctionMetadataAsync(AppContext.BaseDirectory);
    }
}
