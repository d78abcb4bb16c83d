namespace ForumCloud.Benchmarks;

/// <summary>The privacy notice version the benchmark's forms accept (the one in seeds/).</summary>
public static class BenchConsent
{
    public static readonly string Version = new ForumCloud.Functions.Privacy.PrivacyNotices().Current.Version;
}
