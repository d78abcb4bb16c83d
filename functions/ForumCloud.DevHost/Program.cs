using ForumCloud.DevHost;

// The local runner: hosts ForumCloud.Functions' function classes on Kestrel without Core Tools.
// `dotnet run --project functions/ForumCloud.DevHost [-- --urls http://127.0.0.1:7071]`
await using var app = await DevHostApp.StartAsync(args, new DevHostOptions());
Console.WriteLine($"ForumCloud is running at {app.BaseUrl} (API under {app.BaseUrl}/api; Ctrl+C to stop)");
await app.WaitForShutdownAsync();
