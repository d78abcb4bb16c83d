using ForumCloud.Bot.Knowledge;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ForumCloud.Functions.Mandate;

/// <summary>Builds the mandate index when the host starts, so the first question does not pay for it.</summary>
public sealed class MandateWarmUp(IServiceProvider services, ILogger<MandateWarmUp> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var answerer = services.GetRequiredService<MandateAnswerer>();
        logger.LogInformation("Mandate index built: {Sections} sections in {Milliseconds:F0} ms", answerer.Index.Sections.Count, answerer.Index.BuildMilliseconds);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
