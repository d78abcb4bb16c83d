using System.Diagnostics;
using System.Text.RegularExpressions;
using ForumCloud.Tests.Events;
using ForumCloud.Tests.Filings;
using ForumCloud.Tests.Infra;
using ForumCloud.Tests.Infrastructure;
using ForumCloud.Tests.Mail;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ForumCloud.Tests.Desk;

/// <summary>
/// The staff desk in real Chromium (Debian's /usr/bin/chromium, driven by Playwright): sign in with the key, open a
/// check-in desk by deep link, show the camera the QR code from a real confirmation mail (Chromium's fake camera
/// plays a clip made from that very PNG), see green and the count go up, amber on the second scan; approve a filing
/// from the queue and see its certificate number. Screenshots at 1280x900 and 390x844 go to TestResults/desk/.
/// </summary>
public sealed class DeskBrowserTests(ITestOutputHelper output)
{
    private const string Chromium = "/usr/bin/chromium";

    private static string Screenshots => Path.Combine(BicepCli.RepoRoot, "TestResults", "desk");

    // The key the runner enforces (generated per start unless FORUMCLOUD_FUNCTION_KEY sets it), typed in like a person would.
    private static string Key => SharedRunner.App?.Keys.Key ?? Environment.GetEnvironmentVariable(ForumCloud.DevHost.FunctionKeys.Setting) ?? "";

    [SkippableTheory]
    [InlineData(1280, 900)]
    [InlineData(390, 844)]
    public async Task A_scanned_badge_checks_in_once_then_shows_amber(int width, int height)
    {
        Skip.IfNot(File.Exists(Chromium), "No Chromium at /usr/bin/chromium: install Debian's chromium (.ci/prepare does) to run the desk browser tests.");
        Skip.If(SharedRunner.ExternalBaseUrl is not null, "Needs the test mailbox, which only a runner started by the tests mails.");
        using var client = await SharedRunner.ClientAsync();
        var mailbox = await TestMailbox.SharedAsync();
        var eventId = await EventsApi.CreateEventAsync(client, capacity: 5);
        var email = TestMailbox.Address();
        var registration = await EventsApi.RegisterAsync(client, eventId, email, "Ada Lovelace");
        var mail = (await mailbox.WaitAsync(email, count: 1)).First(m => ReceivedMail.Part(m, "image", "png") is not null);
        var png = ReceivedMail.Bytes(ReceivedMail.Part(mail, "image", "png")!);
        var clip = Path.Combine(Directory.CreateTempSubdirectory("forumcloud-camera-").FullName, "badge.y4m");
        FakeCamera.WriteY4m(png, clip);

        await using var session = await BrowserSession.StartAsync(clip, width, height);
        var page = session.Page;
        await page.GotoAsync(new Uri(client.BaseAddress!, $"api/desk#/check-in/{eventId}").ToString());
        await SignInAsync(page);

        var scanned = Stopwatch.StartNew();
        await page.WaitForSelectorAsync(".result[data-outcome=green]", new() { Timeout = 30_000 });
        output.WriteLine($"camera start + scan to green result: {scanned.ElapsedMilliseconds} ms ({width}x{height})");
        Assert.Equal("Ada Lovelace", await page.TextContentAsync(".result-name"));
        Assert.Equal(registration.GetProperty("code").GetString(), (await page.TextContentAsync(".result-detail"))!.Split(' ')[0]);
        await Assertions.Expect(page.Locator(".counts .checked-in")).ToHaveTextAsync("1", new() { Timeout = 10_000 });
        await Assertions.Expect(page.Locator(".counts .confirmed")).ToHaveTextAsync("1", new() { Timeout = 10_000 });
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, $"check-in-green-{width}x{height}.png") });

        // The badge stays in front of the camera: after the desk's 4-second debounce it is scanned again.
        await page.WaitForSelectorAsync(".result[data-outcome=amber]", new() { Timeout = 30_000 });
        Assert.Equal("Ada Lovelace", await page.TextContentAsync(".result-name"));
        Assert.Equal("1", await page.TextContentAsync(".counts .checked-in")); // the server's once-only rule: not counted twice
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, $"check-in-amber-{width}x{height}.png") });

        var staffList = await EventsApi.StaffListAsync(client, eventId);
        Assert.Single(staffList, r => r.TryGetProperty("checkedInAt", out var at) && at.ValueKind == System.Text.Json.JsonValueKind.String);
    }

    [SkippableFact]
    public async Task A_typed_code_of_an_unknown_registration_is_red()
    {
        Skip.IfNot(File.Exists(Chromium), "No Chromium at /usr/bin/chromium: install Debian's chromium (.ci/prepare does) to run the desk browser tests.");
        using var client = await SharedRunner.ClientAsync();
        var eventId = await EventsApi.CreateEventAsync(client);

        await using var session = await BrowserSession.StartAsync(camera: null, 390, 844);
        var page = session.Page;
        await page.GotoAsync(new Uri(client.BaseAddress!, $"api/desk#/check-in/{eventId}").ToString());
        await SignInAsync(page);
        await page.FillAsync(".typed input[name=code]", "ZZZZ7777");
        await page.PressAsync(".typed input[name=code]", "Enter");

        await page.WaitForSelectorAsync(".result[data-outcome=red]", new() { Timeout = 15_000 });
        Assert.Equal("Unknown code", await page.TextContentAsync(".result-status"));
        Assert.Equal("0", await page.TextContentAsync(".counts .checked-in"));
    }

    [SkippableFact]
    public async Task A_scan_during_a_network_drop_waits_and_checks_in_once_when_the_network_is_back()
    {
        Skip.IfNot(File.Exists(Chromium), "No Chromium at /usr/bin/chromium: install Debian's chromium (.ci/prepare does) to run the desk browser tests.");
        using var client = await SharedRunner.ClientAsync();
        var eventId = await EventsApi.CreateEventAsync(client);
        var code = (await EventsApi.RegisterAsync(client, eventId, TestMailbox.Address(), "Katherine Johnson")).GetProperty("code").GetString()!;

        await using var session = await BrowserSession.StartAsync(camera: null, 390, 844);
        var page = session.Page;
        await page.GotoAsync(new Uri(client.BaseAddress!, $"api/desk#/check-in/{eventId}").ToString());
        await SignInAsync(page);
        await Assertions.Expect(page.Locator(".counts .confirmed")).ToHaveTextAsync("1", new() { Timeout = 10_000 });

        await page.Context.SetOfflineAsync(true);
        await page.FillAsync(".typed input[name=code]", code);
        await page.PressAsync(".typed input[name=code]", "Enter");
        await page.WaitForSelectorAsync(".result[data-outcome=queued]", new() { Timeout = 10_000 });
        await Assertions.Expect(page.Locator(".pending")).ToBeVisibleAsync();
        // Typed again while offline: two queued scans of one registration.
        await page.FillAsync(".typed input[name=code]", code);
        await page.PressAsync(".typed input[name=code]", "Enter");
        Assert.Empty(await EventsApi.StaffListAsync(client, eventId).ContinueWith(t => t.Result.Where(r => r.TryGetProperty("checkedInAt", out var at) && at.ValueKind == System.Text.Json.JsonValueKind.String).ToList()));

        await page.Context.SetOfflineAsync(false);
        await Assertions.Expect(page.Locator(".pending")).ToBeHiddenAsync(new() { Timeout = 20_000 });
        Assert.Equal("1", await page.TextContentAsync(".counts .checked-in")); // sent twice, counted once
        Assert.Equal("amber", await page.GetAttributeAsync(".result", "data-outcome")); // the second send met the server's once-only rule
        var checkedIn = (await EventsApi.StaffListAsync(client, eventId)).Where(r => r.TryGetProperty("checkedInAt", out var at) && at.ValueKind == System.Text.Json.JsonValueKind.String);
        Assert.Single(checkedIn);
    }

    [SkippableFact]
    public async Task A_filing_is_approved_from_the_queue_and_shows_its_certificate_number()
    {
        Skip.IfNot(File.Exists(Chromium), "No Chromium at /usr/bin/chromium: install Debian's chromium (.ci/prepare does) to run the desk browser tests.");
        using var client = await SharedRunner.ClientAsync();
        var (filingId, token) = await FilingSamples.SubmitAsync(client, FilingSamples.Body(description: FilingSamples.RestrictedDescription, uscc: FilingSamples.RandomUscc()));
        var processed = await FilingSamples.WaitProcessedAsync(client, filingId, token);
        Assert.Equal("review-required", processed.GetProperty("status").GetString());

        await using var session = await BrowserSession.StartAsync(camera: null, 1280, 900);
        var page = session.Page;
        await page.GotoAsync(new Uri(client.BaseAddress!, "api/desk#/filings").ToString());
        await SignInAsync(page);
        var row = page.Locator($"tr[data-filing='{filingId}']");
        await row.WaitForAsync(new() { Timeout = 15_000 });
        await row.Locator("button[data-action=approve]").ClickAsync();

        await Assertions.Expect(row.Locator(".certificate")).ToHaveTextAsync(new Regex(@"\d{4}-[IE]-\d{6}"), new() { Timeout = 15_000 });
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "filings-approved-1280x900.png") });
        var staffView = await client.GetStringAsync($"api/staff/filings/{filingId}");
        Assert.Contains("\"status\":\"registered\"", staffView);
    }

    private static async Task SignInAsync(IPage page)
    {
        await page.FillAsync("input[name=functionKey]", Key);
        await page.PressAsync("input[name=functionKey]", "Enter");
        await page.WaitForSelectorAsync("#nav:not([hidden])", new() { Timeout = 15_000 });
    }

    /// <summary>Chromium with a fake camera playing the clip (or with no camera at all), one page at the viewport's size.</summary>
    private sealed class BrowserSession : IAsyncDisposable
    {
        private readonly IPlaywright _playwright;
        private readonly IBrowser _browser;

        private BrowserSession(IPlaywright playwright, IBrowser browser, IPage page)
        {
            _playwright = playwright;
            _browser = browser;
            Page = page;
        }

        public IPage Page { get; }

        public static async Task<BrowserSession> StartAsync(string? camera, int width, int height)
        {
            Directory.CreateDirectory(Screenshots);
            var playwright = await Playwright.CreateAsync();
            var arguments = new List<string> { "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--no-first-run" };
            if (camera is not null) arguments.AddRange(["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream", $"--use-file-for-fake-video-capture={camera}"]);
            var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = arguments });
            var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height }, Permissions = camera is null ? [] : ["camera"] });
            return new BrowserSession(playwright, browser, await context.NewPageAsync());
        }

        public async ValueTask DisposeAsync()
        {
            await _browser.CloseAsync();
            _playwright.Dispose();
        }
    }
}
