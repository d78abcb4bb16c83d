using System.Text.Json.Nodes;
using ForumCloud.Tests.Infrastructure;

namespace ForumCloud.Tests.Mandate;

/// <summary>
/// The chat page in a real browser: Debian's headless Chromium driven over the DevTools protocol (no driver,
/// no browser download). Without Chromium on the machine the test reports itself skipped, with the reason.
/// </summary>
public sealed class ChatPageBrowserTests
{
    [SkippableFact]
    public async Task The_page_answers_who_prepares_the_forum_citing_duty_XV()
    {
        var browserPath = HeadlessChromium.PathOrNull;
        Skip.If(browserPath is null, HeadlessChromium.Missing);

        var client = await SharedRunner.ClientAsync();
        var pageUrl = new Uri(client.BaseAddress!, "/api/chat");
        await using var chromium = await HeadlessChromium.StartAsync(browserPath!);
        var session = chromium.Session;
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
}
