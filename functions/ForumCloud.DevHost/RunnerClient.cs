using System.Net;
using System.Text.Json;

namespace ForumCloud.DevHost;

/// <summary>
/// What a script talking to the runner does by hand, for code that calls it (tests, benchmarks): sends
/// the function key on every request, and after `POST /admin/functions/{name}` answers 202 waits on the
/// status URL in `Location` until the run has finished (a failed run throws, naming the error type).
/// </summary>
public sealed class RunnerClientHandler(string functionKey, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(5);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.Headers.Contains(FunctionKeys.Header)) request.Headers.Add(FunctionKeys.Header, functionKey);
        var response = await base.SendAsync(request, cancellationToken);
        if (request.Method == HttpMethod.Post && response.StatusCode == HttpStatusCode.Accepted
            && request.RequestUri!.AbsolutePath.StartsWith("/admin/functions/", StringComparison.Ordinal) && response.Headers.Location is { } status)
        {
            await WaitAsync(new Uri(request.RequestUri, status), cancellationToken);
        }

        return response;
    }

    private async Task WaitAsync(Uri status, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + RunTimeout;
        while (true)
        {
            using var poll = new HttpRequestMessage(HttpMethod.Get, status);
            poll.Headers.Add(FunctionKeys.Header, functionKey);
            using var answer = await base.SendAsync(poll, cancellationToken);
            answer.EnsureSuccessStatusCode();
            using var body = JsonDocument.Parse(await answer.Content.ReadAsStringAsync(cancellationToken));
            var run = body.RootElement;
            switch (run.GetProperty("status").GetString())
            {
                case ManualRunStatus.Succeeded:
                    return;
                case ManualRunStatus.Failed:
                    throw new HttpRequestException($"The function run by hand ({run.GetProperty("function").GetString()}) failed: {run.GetProperty("error").GetString()}.");
            }

            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The run at {status} did not finish within {RunTimeout}.");
            await Task.Delay(50, cancellationToken);
        }
    }
}
