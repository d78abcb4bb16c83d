namespace ForumCloud.Benchmarks;

/// <summary>A benchmark scenario: runs against a fresh environment and returns the object printed as the last line.</summary>
public interface IScenario
{
    string Name { get; }

    Task<object> RunAsync(BenchEnvironment bench, string[] args);
}
