using ForumCloud.Bot.Knowledge;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ForumCloud.Functions.Mandate;

/// <summary>Builds the answerer (index, model, vectors) when the host starts, so the first question does not pay for it.</summary>
public sealed class MandateWarmUp(IServiceProvider services, ILogger<MandateWarmUp> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var answerer = services.GetRequiredService<MandateAnswerer>();
        logger.LogInformation("Mandate answerer ready: {Sections} sections, index {IndexMilliseconds:F0} ms, cold start {ColdStartMilliseconds:F0} ms",
            answerer.Index.Sections.Count, answerer.Index.BuildMilliseconds, answerer.ColdStartMilliseconds);
        if (!answerer.VectorsFromFile)
        {
            logger.LogWarning("The knowledge vectors file did not match the seeds; they were computed at start. Run `dotnet run --project bot/ForumCloud.Bot.Cli -- vectors` and commit the file.");
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
