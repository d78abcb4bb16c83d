using ForumCloud.DevHost;

// The local runner: hosts ForumCloud.Functions' function classes on Kestrel without Core Tools.
// `dotnet run --project functions/ForumCloud.DevHost [-- --urls http://127.0.0.1:7071]`
await using var app = await DevHostApp.StartAsync(args, new DevHostOptions());
Console.WriteLine($"ForumCloud is running at {app.BaseUrl} (API under {app.BaseUrl}/api; Ctrl+C to stop)");

// Printed to the console only (never to a log): staff routes and /admin/* need it, as in Azure.
Console.WriteLine(app.Keys.Generated
    ? $"Function key for this start (set {FunctionKeys.Setting} to choose one): {app.Keys.Key}"
    : $"Function key: the value of {FunctionKeys.Setting}");
Console.WriteLine($"  curl -H \"{FunctionKeys.Header}: <key>\" {app.BaseUrl}/api/staff/filings");
await app.WaitForShutdownAsync();
