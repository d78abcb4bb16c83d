using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ForumCloud.Tests.Infrastructure;

namespace ForumCloud.Tests.Mandate;

/// <summary>
/// The chat page in a real browser: Debian's headless Chromium driven over the DevTools protocol (no driver,
/// no browser download). Without Chromium on the machine the test reports itself skipped, with the reason.
/// </summary>
public sealed partial class ChatPageBrowserTests
{
    internal static readonly string[] BrowserPaths = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

    [SkippableFact]
    public async Task The_page_answers_who_prepares_the_forum_citing_duty_XV()
    {
        var browserPath = Environment.GetEnvironmentVariable("FORUMCLOUD_CHROMIUM") is { Length: > 0 } configured ? configured : BrowserPaths.FirstOrDefault(File.Exists);
        Skip.If(browserPath is null || !File.Exists(browserPath),
            "No Chromium found (/usr/bin/chromium): install Debian's chromium (.ci/prepare does) to run the chat page browser test.");

        var client = await SharedRunner.ClientAsync();
        var pageUrl = new Uri(client.BaseAddress!, "/api/chat");
        var profile = Directory.CreateTempSubdirectory("forumcloud-chromium-");
        using var browser = Process.Start(new ProcessStartInfo(browserPath!)
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
            await using var session = await DevToolsSession.ConnectAsync(new Uri(page["webSocketDebuggerUrl"]!.GetValue<string>()));

            await session.SendAsync("Page.navigate", new JsonObject { ["url"] = pageUrl.ToString() });
            await session.WaitForAsync("!!document.getElementById('question') && !document.getElementById('plain').hidden", TimeSpan.FromSeconds(30));
            await session.EvaluateAsync("""
                document.getElementById('question').value = 'Who prepares the Zhongguancun Forum?';
                document.getElementById('ask').requestSubmit();
                true
                """);
            var answer = await session.WaitForAsync(
                "(function () { var m = document.querySelectorAll('.msg.bot[data-answered]'); return m.length ? m[m.length - 1].textContent : ''; })()",
                TimeSpan.FromSeconds(30));

            Assert.Contains("Duty XV — International cooperation and the Zhongguancun Forum", answer);
            Assert.Contains("preparation of the Zhongguancun Forum", answer);
            var section = await session.EvaluateAsync("document.querySelector('.msg.bot[data-answered]').getAttribute('data-section')");
            Assert.Equal("XV", section);
        }
        finally
        {
            browser.Kill(entireProcessTree: true);
            await browser.WaitForExitAsync();
            try { profile.Delete(recursive: true); } catch (IOException) { /* Chromium may still release files */ }
        }
    }

    internal static async Task<int> DevToolsPortAsync(Process browser)
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
    internal sealed class DevToolsSession : IAsyncDisposable
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
