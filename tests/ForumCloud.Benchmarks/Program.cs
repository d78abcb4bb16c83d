using ForumCloud.Benchmarks;

// dotnet run -c Release --project tests/ForumCloud.Benchmarks -- <scenario>
// Each scenario starts its own Azurite and local runner, and prints one JSON line last.
var scenarios = typeof(IScenario).Assembly.GetTypes()
    .Where(t => typeof(IScenario).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
    .Select(t => (IScenario)Activator.CreateInstance(t)!)
    .ToDictionary(s => s.Name, StringComparer.OrdinalIgnoreCase);

if (args.Length == 0 || !scenarios.TryGetValue(args[0], out var scenario))
{
    Console.Error.WriteLine($"usage: dotnet run -c Release --project tests/ForumCloud.Benchmarks -- <{string.Join("|", scenarios.Keys.Order())}>");
    return 2;
}

await using var bench = await BenchEnvironment.StartAsync();
var result = await scenario.RunAsync(bench, args[1..]);
Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(result));
return 0;
