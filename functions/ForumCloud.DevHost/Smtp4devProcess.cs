using System.Diagnostics;
using ForumCloud.Functions.Platform;

namespace ForumCloud.DevHost;

/// <summary>
/// smtp4dev, the project's pinned .NET tool (.config/dotnet-tools.json), as the local mail server: SMTP and its
/// web inbox on loopback ports, messages kept in memory, IMAP and POP3 off. Restored by `dotnet tool restore`
/// first, so the README's two commands stay two.
/// </summary>
public sealed class Smtp4devProcess : IAsyncDisposable
{
    private readonly Process _process;

    private Smtp4devProcess(Process process, int webPort, int smtpPort)
    {
        _process = process;
        WebPort = webPort;
        SmtpPort = smtpPort;
    }

    /// <summary>Where the runner notes the web inbox's address (for the developer, and for tests).</summary>
    public const string InboxSetting = "DevHost:MailInbox";

    public int WebPort { get; }

    public int SmtpPort { get; }

    /// <summary>The web inbox (and its REST API under /api, e.g. GET /api/messages).</summary>
    public string WebUrl => $"http://127.0.0.1:{WebPort}";

    public static async Task<Smtp4devProcess> StartAsync(int webPort, int smtpPort, CancellationToken cancellationToken = default)
    {
        var root = RepositoryRoot();
        await RunToolRestoreAsync(root, cancellationToken);
        string[] arguments =
        [
            "tool", "run", "smtp4dev", "--", $"--urls=http://127.0.0.1:{webPort}", $"--smtpport={smtpPort}", "--bindaddress=127.0.0.1",
            "--allowremoteconnections-", "--imapport=", "--pop3port=", "--db=", "--nousersettings",
        ];
        var process = LocalTool.Start("dotnet", arguments, "smtp4dev", root);
        var server = new Smtp4devProcess(process, webPort, smtpPort);
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (!(AzuriteProcess.IsListening(smtpPort) && AzuriteProcess.IsListening(webPort)))
            {
                if (process.HasExited) throw new InvalidOperationException($"smtp4dev exited with code {process.ExitCode} before it listened (is a port taken?).");
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"smtp4dev did not listen on {smtpPort} and {webPort} within 60 s.");
                await Task.Delay(100, cancellationToken);
            }
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>When no SMTP host is configured: starts smtp4dev on free ports and points the app's mail settings at it.</summary>
    public static async Task<Smtp4devProcess?> StartIfNoHostAsync(IConfiguration configuration, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(configuration[SettingNames.ConfigKey(SettingNames.MailSmtpHost)])) return null;
        Console.WriteLine("Starting smtp4dev (no ForumCloud__Mail__SmtpHost set) ...");
        var ports = AzuriteProcess.FreePorts(2); // two distinct ports: two FreePort() calls may hand out the same one
        var server = await StartAsync(ports[0], ports[1], cancellationToken);
        configuration[SettingNames.ConfigKey(SettingNames.MailSmtpHost)] = "127.0.0.1";
        configuration[SettingNames.ConfigKey(SettingNames.MailSmtpPort)] = server.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        configuration[SettingNames.ConfigKey(SettingNames.MailSecurity)] = "none";
        configuration[InboxSetting] = server.WebUrl;
        Console.WriteLine($"Mail is delivered to smtp4dev: read it at {server.WebUrl} (SMTP on 127.0.0.1:{server.SmtpPort})");
        return server;
    }

    private static async Task RunToolRestoreAsync(string root, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("dotnet", ["tool", "restore"]) { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var restore = Process.Start(info) ?? throw new InvalidOperationException("dotnet tool restore did not start.");
        var output = restore.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = restore.StandardError.ReadToEndAsync(cancellationToken);
        await restore.WaitForExitAsync(cancellationToken);
        if (restore.ExitCode != 0) throw new InvalidOperationException($"`dotnet tool restore` failed ({restore.ExitCode}): {await error}{await output}");
    }

    /// <summary>The folder of .config/dotnet-tools.json, looked for upwards from the working directory and from the app's folder.</summary>
    private static string RepositoryRoot() =>
        LocalTool.FindUpwards(dir => File.Exists(Path.Combine(dir.FullName, ".config", "dotnet-tools.json")) ? dir.FullName : null)
        ?? throw new FileNotFoundException("No .config/dotnet-tools.json found above the working directory: run the runner from the repository.");

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // `dotnet tool run` starts the tool as a child: end both. Messages are in memory only, nothing to flush.
            _process.Kill(entireProcessTree: true);
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }

        _process.Dispose();
    }
}
