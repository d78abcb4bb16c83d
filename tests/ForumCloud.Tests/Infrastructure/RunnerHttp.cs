using ForumCloud.DevHost;

namespace ForumCloud.Tests.Infrastructure;

/// <summary>
/// The one way tests make an HTTP client for a runner (or a deployed app): it sends the function key like
/// any client, waits for `POST /admin/functions/{name}` runs to finish (<see cref="RunnerClientHandler"/>),
/// and checks every answer from `/api` against openapi.yaml (<see cref="OpenApiResponseCheck"/>).
/// Build clients here rather than with `new HttpClient`, so every test gets what this adds.
/// </summary>
public static class RunnerHttp
{
    public static HttpClient Client(DevHostApp app, TimeSpan? timeout = null) => Client(new Uri(app.BaseUrl + "/"), app.Keys.Key, timeout);

    /// <param name="key">The function key; null for an app whose staff routes the test does not call.</param>
    public static HttpClient Client(Uri baseUri, string? key, TimeSpan? timeout = null)
    {
        HttpMessageHandler handler = new OpenApiResponseCheck(new SocketsHttpHandler());
        if (key is not null) handler = new RunnerClientHandler(key, handler);
        return new HttpClient(handler) { BaseAddress = baseUri, Timeout = timeout ?? TimeSpan.FromSeconds(60) };
    }
}
