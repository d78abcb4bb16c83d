using System.Collections.Concurrent;
using System.Reflection;
using Fluid;

namespace ForumCloud.Functions.Mail;

/// <summary>
/// The Liquid templates embedded from Mail/Templates (parsed once each). A message template
/// ({name}.{zh|en}.liquid) has up to three parts separated by lines of "---": the subject line, the body
/// paragraphs (separated by blank lines), and detail lines "Label: value" (a line "[button] Label" names the
/// action button). The layouts (layout.html.liquid, layout.text.liquid) put the parts of each language together.
/// </summary>
public static class MailTemplates
{
    private static readonly FluidParser Parser = new();
    private static readonly ConcurrentDictionary<string, IFluidTemplate> Parsed = new(StringComparer.Ordinal);
    private static readonly Assembly Assembly = typeof(MailTemplates).Assembly;
    private const string Prefix = "ForumCloud.Functions.Mail.Templates.";

    public static bool Exists(string name) => Assembly.GetManifestResourceInfo(Prefix + name + ".liquid") is not null;

    public static IFluidTemplate Get(string name) => Parsed.GetOrAdd(name, Load);

    /// <summary>Every template file, for a test that parses them all.</summary>
    public static IEnumerable<string> Names() =>
        Assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).Select(n => n[Prefix.Length..^".liquid".Length]);

    private static IFluidTemplate Load(string name)
    {
        using var stream = Assembly.GetManifestResourceStream(Prefix + name + ".liquid")
            ?? throw new InvalidOperationException($"No mail template '{name}'.");
        using var reader = new StreamReader(stream);
        var source = reader.ReadToEnd();
        return Parser.TryParse(source, out var template, out var error) ? template : throw new InvalidOperationException($"Mail template '{name}' does not parse: {error}");
    }
}
