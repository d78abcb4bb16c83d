using System.Runtime.CompilerServices;

namespace ForumCloud.Tests.Infrastructure;

/// <summary>
/// host.json is the production file and is never tuned for tests. The tests override it as an app
/// setting would in Azure (`AzureFunctionsJobHost__extensions__queues__*`), set here for every runner
/// this process starts and inherited by the runner processes it starts: a failed try comes back after
/// 1 second instead of 30, and an idle queue is polled at least every 2 seconds.
/// </summary>
internal static class TestHostSettings
{
    public const string VisibilityTimeout = "AzureFunctionsJobHost__extensions__queues__visibilityTimeout";
    public const string MaxPollingInterval = "AzureFunctionsJobHost__extensions__queues__maxPollingInterval";

    [ModuleInitializer]
    internal static void Apply()
    {
        Environment.SetEnvironmentVariable(VisibilityTimeout, "00:00:01");
        Environment.SetEnvironmentVariable(MaxPollingInterval, "00:00:02");
    }
}
