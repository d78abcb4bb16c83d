namespace ForumCloud.Functions.Platform;

/// <summary>
/// Loads demo data from seeds/ into a fresh local store. The local runner runs every registered
/// loader on start; each must be idempotent (a second start changes nothing).
/// </summary>
public interface ISeedLoader
{
    Task LoadAsync(CancellationToken cancellationToken);
}

/// <summary>Where the seeds/ folder is: copied next to the app's assembly at build time.</summary>
public static class SeedFiles
{
    public static string PathOf(string fileName) => Path.Combine(AppContext.BaseDirectory, "seeds", fileName);
}
