using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ForumCloud.Tests.Infrastructure;

/// <summary>
/// Debian's headless Chromium driven over the DevTools protocol (no driver, no browser download): one page, a fresh
/// profile, killed on dispose. <see cref="PathOrNull"/> is null without Chromium, so tests can skip with the reason.
/// </summary>
public sealed partial class HeadlessChromium : IAsyncDisposable
{
    public const string Missing = "No Chromium found (/usr/bin/chromium): install Debian's chromium (.ci/prepare does) to run the browser tests.";
    private static readonly string[] BrowserPaths = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];
    private readonly Process _browser;
    private readonly DirectoryInfo _profile;

    private HeadlessChromium(Process browser, DirectoryInfo profile, DevToolsSession session)
    {
        _browser = browser;
        _profile = profile;
        Session = session;
    }

    public static string? PathOrNull =>
        Environment.GetEnvironmentVariable("FORUMCLOUD_CHROMIUM") is { Length: > 0 } configured && File.Exists(configured) ? configured : BrowserPaths.FirstOrDefault(File.Exists);

    public DevToolsSession Session { get; }

    public static async Task<HeadlessChromium> StartAsync(string browserPath)
    {
        var profile = Directory.CreateTempSubdirectory("forumcloud-chromium-");
        var browser = Process.Start(new ProcessStartInfo(browserPath)
        {
            ArgumentList =
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
                "--disable-dev-shm-usage", $"--user-data-dir={profile.FullName}", "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "about:blank",
            },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        try
        {
            var port = await DevToolsPortAsync(browser);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            var targets = JsonNode.Parse(await http.GetStringAsync("json/list"))!.AsArray();
            var page = targets.First(t => t!["type"]!.GetValue<string>() == "page")!;
            var session = await DevToolsSession.ConnectAsync(new Uri(page["webSocketDebuggerUrl"]!.GetValue<string>()));
            return new HeadlessChromium(browser, profile, session);
        }
        catch
        {
            browser.Kill(entireProcessTree: true);
            browser.Dispose();
            throw;
        }
    }

    public Task NavigateAsync(Uri url) => Session.SendAsync("Page.navigate", new JsonObject { ["url"] = url.ToString() });

    public async ValueTask DisposeAsync()
    {
        await Session.DisposeAsync();
        _browser.Kill(entireProcessTree: true);
        await _browser.WaitForExitAsync();
        _browser.Dispose();
        try { _profile.Delete(recursive: true); } catch (IOException) { /* Chromium may still release files */ }
    }

    private static async Task<int> DevToolsPortAsync(Process browser)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var line = await browser.StandardError.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            if (line is null) break;
            var match = DevToolsLine().Match(line);
            if (match.Success) return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        }

        throw new InvalidOperationException("Chromium did not announce its DevTools port.");
    }

    [GeneratedRegex(@"DevTools listening on ws://[^:]+:(\d+)/")]
    private static partial Regex DevToolsLine();

    /// <summary>A minimal DevTools protocol client: commands by id, events ignored.</summary>
    public sealed class DevToolsSession : IAsyncDisposable
    {
        private readonly ClientWebSocket _socket = new();
        private int _nextId;

        public static async Task<DevToolsSession> ConnectAsync(Uri endpoint)
        {
            var session = new DevToolsSession();
            await session._socket.ConnectAsync(endpoint, CancellationToken.None);
            return session;
        }

        public async Task<JsonNode?> SendAsync(string method, JsonObject parameters)
        {
            var id = ++_nextId;
            var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters };
            await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
            while (true)
            {
                var reply = await ReceiveAsync();
                if (reply["id"]?.GetValue<int>() != id) continue;
                if (reply["error"] is { } error) throw new InvalidOperationException($"{method}: {error.ToJsonString()}");
                return reply["result"];
            }
        }

        public async Task<string> EvaluateAsync(string expression)
        {
            var result = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true });
            var value = result?["result"]?["value"];
            return value is null ? "" : value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString();
        }

        /// <summary>Types into the element as a person would (focus, text input, Enter), so Web Chat's own handlers run.</summary>
        public async Task TypeAndSendAsync(string element, string text)
        {
            await EvaluateAsync($"{element}.focus(); true");
            await SendAsync("Input.insertText", new JsonObject { ["text"] = text });
            foreach (var type in new[] { "keyDown", "keyUp" })
            {
                var key = new JsonObject { ["type"] = type, ["key"] = "Enter", ["code"] = "Enter", ["windowsVirtualKeyCode"] = 13, ["nativeVirtualKeyCode"] = 13 };
                if (type == "keyDown") key["text"] = "\r";
                await SendAsync("Input.dispatchKeyEvent", key);
            }
        }

        /// <summary>Clicks the middle of the element as a mouse would (move, press, release), so the page's own handlers run.</summary>
        public async Task ClickAsync(string element)
        {
            var box = JsonNode.Parse(await EvaluateAsync($"(function () {{ var r = ({element}).getBoundingClientRect(); return JSON.stringify({{ x: r.left + r.width / 2, y: r.top + r.height / 2 }}); }})()"))!;
            foreach (var type in new[] { "mouseMoved", "mousePressed", "mouseReleased" })
            {
                await SendAsync("Input.dispatchMouseEvent", new JsonObject
                {
                    ["type"] = type, ["x"] = box["x"]!.GetValue<double>(), ["y"] = box["y"]!.GetValue<double>(), ["button"] = type == "mouseMoved" ? "none" : "left", ["clickCount"] = type == "mouseMoved" ? 0 : 1,
                });
            }
        }

        public async Task ScreenshotAsync(string path)
        {
            var shot = await SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png" });
            await File.WriteAllBytesAsync(path, Convert.FromBase64String(shot!["data"]!.GetValue<string>()));
        }

        /// <summary>Polls an expression until it is truthy (a non-empty string, or true) and returns its value.</summary>
        public async Task<string> WaitForAsync(string expression, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            var last = "";
            while (DateTime.UtcNow < deadline)
            {
                last = await EvaluateAsync(expression);
                if (last.Length > 0 && last != "false") return last;
                await Task.Delay(100);
            }

            throw new TimeoutException($"The page never satisfied: {expression} (last value: '{last}')");
        }

        private async Task<JsonNode> ReceiveAsync()
        {
            var buffer = new byte[64 * 1024];
            using var message = new MemoryStream();
            WebSocketReceiveResult result;
            do
            {
                result = await _socket.ReceiveAsync(buffer, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
                message.Write(buffer, 0, result.Count);
            }
            while (!result.EndOfMessage);
            return JsonNode.Parse(message.ToArray())!;
        }

        public async ValueTask DisposeAsync()
        {
            if (_socket.State == WebSocketState.Open)
            {
                try { await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None); } catch (WebSocketException) { }
            }

            _socket.Dispose();
        }
    }
}
