using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace ForumCloud.Benchmarks;

/// <summary>
/// How long the runner itself spends on each request (from the first middleware to the end of the response), beside
/// what the client sees: the difference is time in the network stack and in connection setup, not in the app.
/// </summary>
public sealed class ServerTiming : IStartupFilter
{
    private readonly ConcurrentQueue<double> _milliseconds = new();

    public void Reset() => _milliseconds.Clear();

    public IReadOnlyList<double> Milliseconds => _milliseconds.ToArray();

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, inner) =>
        {
            var started = Stopwatch.GetTimestamp();
            await inner(context);
            if (HttpMethods.IsPost(context.Request.Method)) _milliseconds.Enqueue(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        });
        next(app);
    };
}
