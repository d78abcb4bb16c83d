namespace ForumCloud.DevHost;

/// <summary>
/// Maps each HTTP-triggered function to `/{routePrefix}/{Route}` with its methods, straight from its
/// attribute. A route whose auth level is not Anonymous answers 401 with an empty body without a valid
/// function key, before the function runs, as the Functions host does.
/// </summary>
internal static class HttpFunctionRoutes
{
    public static void Map(WebApplication app, IReadOnlyList<FunctionDescriptor> functions, string routePrefix, FunctionKeys keys)
    {
        foreach (var function in functions.Where(f => f.Trigger == TriggerKind.Http))
        {
            var pattern = "/" + string.Join('/', new[] { routePrefix, function.HttpRoute }.Where(s => !string.IsNullOrEmpty(s)));
            var needsKey = FunctionKeys.Required(function.Http.AuthLevel);
            RequestDelegate handler = async context =>
            {
                if (needsKey && !keys.Presented(context.Request))
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    return;
                }

                await context.RequestServices.GetRequiredService<FunctionInvoker>().InvokeAsync(function, new TriggerInput(Http: context), context.RequestAborted);
            };
            var endpoint = function.HttpMethods.Count == 0 ? app.Map(pattern, handler) : app.MapMethods(pattern, function.HttpMethods, handler);
            endpoint.WithDisplayName(function.Name);
        }
    }
}
