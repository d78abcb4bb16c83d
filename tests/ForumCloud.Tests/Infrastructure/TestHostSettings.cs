using System.Runtime.CompilerServices;

namespace ForumCloud.Tests.Infrastructure;

/// <summary>
/// host.json is the production file and is never tuned for tests. The tests override it as an app
/// setting would in Azure (`AzureFunctionsJobHost__extensions__queues__*`), set here for every runner
/// this process starts and inherited by the runner processes it starts: a failed try comes back after
/// 1 second instead of 30, an idle queue is polled at least every 2 seconds, and the per-client rate limits are
/// out of the way.
/// </summary>
internal static class TestHostSettings
{
    public const string VisibilityTimeout = "AzureFunctionsJobHost__extensions__queues__visibilityTimeout";
    public const string MaxPollingInterval = "AzureFunctionsJobHost__extensions__queues__maxPollingInterval";

    // The suite sends thousands of anonymous writes from one address: the per-client limits (Platform/RateLimits)
    // are raised for every runner, as an app setting would; RateLimitTests start runners with the real figures.
    public const string AnonymousPerMinute = "ForumCloud__RateLimits__AnonymousPerMinute";
    public const string TokenHolderPerMinute = "ForumCloud__RateLimits__PartnerPerMinute";

    // One idempotency seal for every runner of this test process (two runners must open each other's records,
    // as the instances of one app in Azure share the Key Vault secret); random per test process.
    public const string IdempotencySeal = "ForumCloud__Secrets__IdempotencySeal";

    [ModuleInitializer]
    internal static void Apply()
    {
        Environment.SetEnvironmentVariable(VisibilityTimeout, "00:00:01");
        Environment.SetEnvironmentVariable(MaxPollingInterval, "00:00:02");
        Environment.SetEnvironmentVariable(AnonymousPerMinute, "1000000");
        Environment.SetEnvironmentVariable(TokenHolderPerMinute, "1000000");
        Environment.SetEnvironmentVariable(IdempotencySeal, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
    }
}
