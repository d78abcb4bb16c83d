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
/// no browser download), at a desktop and a phone size. The page is Bot Framework Web Chat talking to the
/// runner's Direct Line endpoint, so this is the production page. Screenshots go to TestResults/chat-page/.
/// Without Chromium on the machine the test reports itself skipped, with the reason.
/// </summary>
public sealed class ChatPageBrowserTests
{
    // Web Chat's own parts, by the class names of botframework-webchat 4.18.
    private const string Transcript = "document.querySelector('#webchat .webchat__basic-transcript')";
    private const string SendBox = "document.querySelector('#webchat .webchat__send-box-text-box__input, #webchat .webchat__send-box-text-box__html-text-area, #webchat input[type=text], #webchat textarea')";

    public static string ScreenshotDirectory => Path.Combine(ForumCloud.Tests.Infra.BicepCli.RepoRoot, "TestResults", "chat-page");

    [SkippableTheory]
    [InlineData(1280, 900)]
    [InlineData(390, 844)]
    public async Task Web_chat_greets_answers_with_the_duty_and_answers_a_suggested_action(int width, int height)
    {
        var browserPath = HeadlessChromium.PathOrNull;
        Skip.If(browserPath is null, HeadlessChromium.Missing);
        Skip.If(!File.Exists(Path.Combine(AppContext.BaseDirectory, "webchat", "webchat.js")), "No Web Chat bundle in this build: run npm ci before building.");

        var client = await SharedRunner.ClientAsync();
        var pageUrl = new Uri(client.BaseAddress!, "/api/chat");
        Directory.CreateDirectory(ScreenshotDirectory);
        await using var chromium = await HeadlessChromium.StartAsync(browserPath!);
        var session = chromium.Session;
        {
            await session.SendAsync("Emulation.setDeviceMetricsOverride", new JsonObject { ["width"] = width, ["height"] = height, ["deviceScaleFactor"] = 1, ["mobile"] = width < 500 });
            var name = $"chat-{width}x{height}";

            await session.SendAsync("Page.navigate", new JsonObject { ["url"] = pageUrl.ToString() });
            // The welcome, inside the viewport and below the header, without scrolling; the send box visible too.
            await session.WaitForAsync($$"""
                (function () {
                  var t = {{Transcript}}, box = {{SendBox}}, header = document.querySelector('header');
                  if (!t || !box || t.textContent.indexOf('Hello! I answer questions') < 0) return false;
                  var bubble = Array.from(t.querySelectorAll('.webchat__bubble__content')).find(function (b) { return b.textContent.indexOf('Hello!') >= 0; });
                  var r = bubble.getBoundingClientRect(), h = header.getBoundingClientRect(), s = box.getBoundingClientRect(), tr = t.getBoundingClientRect();
                  return r.top >= h.bottom && r.top < innerHeight && s.bottom <= innerHeight && s.top >= h.bottom && tr.top >= h.bottom && window.scrollY === 0;
                })()
                """, TimeSpan.FromSeconds(60));
            var placeholder = await session.EvaluateAsync($"{SendBox}.getAttribute('placeholder') || ''");
            Assert.Contains("Ask a question", placeholder);
            Assert.Contains("请输入您的问题", placeholder);
            await session.ScreenshotAsync(Path.Combine(ScreenshotDirectory, name + "-1-welcome.png"));

            await session.TypeAndSendAsync(SendBox, "Who prepares the Zhongguancun Forum?");
            var answer = await session.WaitForAsync($"(function () {{ var t = {Transcript}; return t && t.textContent.indexOf('Duty XV — International cooperation and the Zhongguancun Forum') >= 0 ? t.textContent : ''; }})()", TimeSpan.FromSeconds(60));
            Assert.Contains("preparation of the Zhongguancun Forum", answer);
            await session.ScreenshotAsync(Path.Combine(ScreenshotDirectory, name + "-2-answer.png"));

            // A suggested action is a button of Web Chat's, enabled (Web Chat marks a disabled one aria-disabled, not
            // disabled), on top at its own middle (nothing covers it); a mouse click on it sends its text as the
            // person's message (imBack) and the whole duty comes back. The click must carry clickCount 1: a DevTools
            // press and release without it moves the focus but fires no click event, so Web Chat never saw one.
            const string suggestion = "Array.from(document.querySelectorAll('#webchat button.webchat__suggested-action')).find(function (b) { return b.textContent.trim() === 'Show the whole duty XV'; })";
            await session.WaitForAsync($"!!({suggestion})", TimeSpan.FromSeconds(30));
            Assert.Equal("true", await session.EvaluateAsync($"(function () {{ var b = {suggestion}; var r = b.getBoundingClientRect(); var hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2); return b.getAttribute('aria-disabled') !== 'true' && b.contains(hit) && r.bottom <= innerHeight; }})()"));
            var userBubbles = $"Array.from(({Transcript}).querySelectorAll('.webchat__bubble--from-user')).map(function (b) {{ return b.textContent.trim(); }})";
            await session.ClickAsync(suggestion);
            await session.WaitForAsync($"(function () {{ var t = {Transcript}; return !!t && t.textContent.indexOf('XV. Draw up plans, policies, and measures') >= 0; }})()", TimeSpan.FromSeconds(60));
            Assert.Contains("Show the whole duty XV", await session.EvaluateAsync($"{userBubbles}.join(' | ')"));
            await session.ScreenshotAsync(Path.Combine(ScreenshotDirectory, name + "-3-suggested-action.png"));

            await session.TypeAndSendAsync(SendBox, "谁负责技术进出口？");
            await session.WaitForAsync($"(function () {{ var t = {Transcript}; return !!t && t.textContent.indexOf('第十五项职责') >= 0; }})()", TimeSpan.FromSeconds(60));
            await session.ScreenshotAsync(Path.Combine(ScreenshotDirectory, name + "-4-chinese.png"));
            Assert.True(File.Exists(Path.Combine(ScreenshotDirectory, name + "-4-chinese.png")));
        }
    }
}
