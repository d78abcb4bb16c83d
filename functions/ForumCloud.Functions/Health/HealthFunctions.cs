using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace ForumCloud.Functions.Health;

public sealed class HealthFunctions(StorageHealth health, ILogger<HealthFunctions> logger)
{
    [Function("Health")]
    public async Task<IActionResult> Health(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var report = await health.CheckAsync(cancellationToken);
        if (report.Healthy) return new OkObjectResult(new { status = report.Status, checks = report.Checks });

        logger.LogWarning("Health check failed: {Checks}", string.Join(", ", report.Checks.Select(c => $"{c.Key}={c.Value}")));
        throw new ProblemException(503, "Service unhealthy.", "Storage is not answering.",
            extensions: new Dictionary<string, object?> { ["health"] = report.Status, ["checks"] = report.Checks }) { RetryAfterSeconds = 5 };
    }

    [Function("OpenApiDocument")]
    public IActionResult OpenApi(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi.yaml")] HttpRequest request) =>
        new ContentResult { Content = OpenApiDocument.Yaml, ContentType = "application/yaml; charset=utf-8", StatusCode = StatusCodes.Status200OK };
}
