namespace ForumCloud.DevHost;

/// <summary>Maps each HTTP-triggered function to `/{routePrefix}/{Route}` with its methods, straight from its attribute.</summary>
internal static class HttpFunctionRoutes
{
    public static void Map(WebApplication app, IReadOnlyList<FunctionDescriptor> functions, string routePrefix)
    {
        foreach (var function in functions.Where(f => f.Trigger == TriggerKind.Http))
        {
            var pattern = "/" + string.Join('/', new[] { routePrefix, function.HttpRoute }.Where(s => !string.IsNullOrEmpty(s)));
            RequestDelegate handler = async context =>
                await context.RequestServices.GetRequiredService<FunctionInvoker>().InvokeAsync(function, new TriggerInput(Http: context), context.RequestAborted);
            var endpoint = function.HttpMethods.Count == 0 ? app.Map(pattern, handler) : app.MapMethods(pattern, function.HttpMethods, handler);
            endpoint.WithDisplayName(function.Name);
        }
    }
}
