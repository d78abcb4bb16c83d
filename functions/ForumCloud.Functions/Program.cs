using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseMiddleware<HttpEdgeMiddleware>(); // limits, staff check and problem details around every HTTP function
builder.Services.AddForumCloud(builder.Configuration);

// Telemetry to Application Insights when APPLICATIONINSIGHTS_CONNECTION_STRING is set (infra/ sets it);
// without it nothing is added, so a local `func start` needs no Application Insights.
if (!string.IsNullOrEmpty(builder.Configuration[SettingNames.ApplicationInsightsConnectionString]))
{
    ForumTelemetry.Export(builder.Services.AddOpenTelemetry().UseFunctionsWorkerDefaults(), builder.Configuration, Path.Combine(AppContext.BaseDirectory, "host.json"));
}

builder.Build().Run();
