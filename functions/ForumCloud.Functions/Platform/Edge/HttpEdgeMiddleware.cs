using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace ForumCloud.Functions.Platform;

/// <summary>
/// The edge as worker middleware in the Function App (Program.cs). The ASP.NET Core integration's own middleware
/// runs outside this one and executes the invocation result, so an answer from the edge (a problem, a 429) is set
/// as the result rather than written here.
/// </summary>
public sealed class HttpEdgeMiddleware(HttpEdge edge) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        if (context.GetHttpContext() is not { } http)
        {
            await next(context); // queue and timer functions
            return;
        }

        var staffOnly = StaffOnlyAttribute.IsOn(context.FunctionDefinition.EntryPoint, context.FunctionDefinition.PathToAssembly);
        var answer = await edge.InvokeAsync(http, staffOnly, async () =>
        {
            await next(context);
            return context.GetInvocationResult().Value;
        });
        context.GetInvocationResult().Value = answer;
    }
}
