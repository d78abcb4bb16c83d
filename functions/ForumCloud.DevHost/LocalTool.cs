using System.Diagnostics;

namespace ForumCloud.DevHost;

/// <summary>What the runner's companions (Azurite, smtp4dev) and the benchmarks' tools share: how they are found and how they are started.</summary>
public static class LocalTool
{
    /// <summary>Starts a tool with its output read and dropped: a pipe nobody reads fills up and stalls the tool.</summary>
    public static Process Start(string fileName, IEnumerable<string> arguments, string name, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null) info.WorkingDirectory = workingDirectory;
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        var process = Process.Start(info) ?? throw new InvalidOperationException($"{name} did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>
    /// What <paramref name="probe"/> finds in the first folder, at or above the working directory or else the app's
    /// folder, where it finds anything: the runner may be started from the repository or from its build output.
    /// </summary>
    public static string? FindUpwards(Func<DirectoryInfo, string?> probe)
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (probe(dir) is { } found) return found;
            }
        }

        return null;
    }

    /// <summary>A package.json devDependency's command (`node_modules/.bin/{name}`), found as <see cref="FindUpwards"/> finds folders.</summary>
    public static string? FindNodeBin(string name) =>
        FindUpwards(dir => Path.Combine(dir.FullName, "node_modules", ".bin", name) is var candidate && File.Exists(candidate) ? candidate : null);
}
