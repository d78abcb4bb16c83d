namespace ForumCloud.Functions.Platform;

/// <summary>openapi.yaml, embedded in the assembly so the app serves exactly the document it was built with.</summary>
public static class OpenApiDocument
{
    private static readonly Lazy<string> Text = new(() =>
    {
        using var stream = typeof(OpenApiDocument).Assembly.GetManifestResourceStream("ForumCloud.Functions.openapi.yaml")
            ?? throw new InvalidOperationException("openapi.yaml is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    public static string Yaml => Text.Value;
}
