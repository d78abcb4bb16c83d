using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ForumCloud.Tests.Infra;

/// <summary>One diagnostic line of `bicep build`/`bicep lint`: file(line,col) : Level CODE: message.</summary>
public sealed record BicepDiagnostic(string File, int Line, string Level, string Code, string Message)
{
    public override string ToString() => $"{Path.GetFileName(File)}({Line}) {Level} {Code}: {Message}";
}

public sealed record BicepRun(int ExitCode, string Stdout, string Stderr, IReadOnlyList<BicepDiagnostic> Diagnostics)
{
    /// <summary>
    /// What the infra checks refuse: any error, and any warning. Bicep only warns about a misspelt or
    /// mistyped property (BCP036/BCP037/BCP089) and exits 0, yet the deployment would fail or silently
    /// drop the setting; every other warning (unknown type or API version, linter rules left at warning)
    /// is as suspicious here, where the template has none.
    /// </summary>
    public IReadOnlyList<BicepDiagnostic> Refused => Diagnostics.Where(d => d.Level is "Error" or "Warning").ToArray();
}

/// <summary>
/// The Bicep CLI from the NuGet package Azure.Bicep.CommandLine.linux-x64 (fetched by the test project
/// with PackageDownload; its path comes through assembly metadata). Runs offline: `build` and `lint` need
/// no Azure access as long as no registry module is referenced.
/// </summary>
public static class BicepCli
{
    private static readonly Regex DiagnosticLine = new(
        @"^(?<file>.+?)\((?<line>\d+),(?<col>\d+)\)\s*:\s*(?<level>Error|Warning|Info)\s+(?<code>[^:]+):\s*(?<message>.*)$",
        RegexOptions.Multiline | RegexOptions.Compiled);

    public static string RepoRoot { get; } = Metadata("RepoRoot");

    public static string InfraDirectory => Path.Combine(RepoRoot, "infra");

    public static string MainBicep => Path.Combine(InfraDirectory, "main.bicep");

    public static string ExecutablePath
    {
        get
        {
            var path = Metadata("BicepPath");
            if (!File.Exists(path))
            {
                throw new InvalidOperationException($"The Bicep CLI is not at {path}; restore the test project (PackageDownload Azure.Bicep.CommandLine.linux-x64).");
            }

            // NuGet extracts the binary with the archive's mode; make sure it may run (the package is linux-x64).
            if (OperatingSystem.IsWindows()) return path;
            var mode = File.GetUnixFileMode(path);
            const UnixFileMode exec = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
            if ((mode & UnixFileMode.UserExecute) == 0) File.SetUnixFileMode(path, mode | exec);
            return path;
        }
    }

    public static BicepRun Run(params string[] arguments)
    {
        var start = new ProcessStartInfo(ExecutablePath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        // No telemetry, no update checks: the runs stay offline.
        start.Environment["BICEP_TELEMETRY_ENABLED"] = "false";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        using var process = Process.Start(start) ?? throw new InvalidOperationException("bicep did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} did not finish in 2 minutes");
        }

        process.WaitForExit();
        var output = stdout.Result;
        var errors = stderr.Result;
        var diagnostics = DiagnosticLine.Matches(errors + "\n" + (arguments.Contains("--stdout") ? "" : output))
            .Select(m => new BicepDiagnostic(m.Groups["file"].Value.Trim(), int.Parse(m.Groups["line"].Value),
                m.Groups["level"].Value, m.Groups["code"].Value.Trim(), m.Groups["message"].Value.Trim()))
            .Distinct()
            .ToArray();
        return new BicepRun(process.ExitCode, output, errors, diagnostics);
    }

    /// <summary>Compiles a Bicep file to its ARM JSON (stdout), with the run for its diagnostics.</summary>
    public static (BicepRun Run, JsonObject? Template) Build(string bicepFile)
    {
        var run = Run("build", bicepFile, "--stdout");
        var template = run.ExitCode == 0 && run.Stdout.TrimStart().StartsWith('{') ? JsonNode.Parse(run.Stdout)!.AsObject() : null;
        return (run, template);
    }

    private static string Metadata(string key) =>
        typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"Assembly metadata {key} is missing (see ForumCloud.Tests.csproj).");
}
