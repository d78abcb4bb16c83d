using System.Text.Encodings.Web;
using Fluid;

namespace ForumCloud.Functions.Mail;

/// <summary>Subject, plain text and HTML of a mail, rendered from its templates.</summary>
public sealed record RenderedMail(string Subject, string Text, string Html);

/// <summary>
/// Renders a <see cref="MailRequest"/>: each language's message template, then the two layouts. Every model value
/// is made single-line first (no CR, LF or other control character can reach a header or split a paragraph), and
/// the HTML layout is rendered with an HTML encoder, so markup in a name arrives as text.
/// </summary>
public static class MailComposer
{
    private static readonly TemplateOptions Options = new();

    public static RenderedMail Render(MailRequest request, bool hasQr)
    {
        var languages = request.Language is { } one ? [one] : new[] { MailLanguage.Zh, MailLanguage.En };
        var model = request.Model.ToDictionary(p => p.Key, p => (object)MailText.SingleLine(p.Value), StringComparer.Ordinal);
        var sections = languages.Select(language => Section(request.Template, language, model)).ToList();

        var subject = MailText.SingleLine(string.Join(" | ", sections.Select(s => (string)s["subject"]!)));
        var layout = new TemplateContext(Options);
        layout.SetValue("sections", sections);
        layout.SetValue("lang", request.Language is { } l ? ApiEnum.Name(l) : "zh");
        layout.SetValue("qr", hasQr);
        layout.SetValue("actionUrl", request.ActionUrl ?? "");
        layout.SetValue("subject", subject);
        var html = MailTemplates.Get("layout.html").Render(layout, HtmlEncoder.Default);
        var text = MailTemplates.Get("layout.text").Render(layout, NullEncoder.Default);
        return new RenderedMail(subject, MailText.NormaliseLines(text), html);
    }

    private static Dictionary<string, object?> Section(string template, MailLanguage language, Dictionary<string, object> model)
    {
        var name = $"{template}.{ApiEnum.Name(language)}";
        var context = new TemplateContext(Options);
        foreach (var (key, value) in model) context.SetValue(key, value);
        var rendered = MailTemplates.Get(name).Render(context, NullEncoder.Default).Replace("\r\n", "\n");
        var parts = rendered.Split("\n---\n");
        if (parts.Length < 2) throw new InvalidOperationException($"Mail template '{name}' needs a subject line and a body, separated by '---'.");

        var details = new List<Dictionary<string, object?>>();
        var button = "";
        foreach (var line in (parts.Length > 2 ? parts[2] : "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith("[button]", StringComparison.Ordinal)) button = line["[button]".Length..].Trim();
            else if (line.IndexOf(": ", StringComparison.Ordinal) is > 0 and var colon && line[(colon + 2)..].Trim() is { Length: > 0 } value)
            {
                details.Add(new() { ["label"] = line[..colon], ["value"] = value });
            }
        }

        return new Dictionary<string, object?>
        {
            ["lang"] = ApiEnum.Name(language),
            ["subject"] = parts[0].Trim(),
            ["paragraphs"] = parts[1].Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => p.Replace('\n', ' ')).ToList(),
            ["details"] = details,
            ["button"] = button,
        };
    }
}

/// <summary>Text that goes into a mail: one line, no control characters, a sane length.</summary>
public static class MailText
{
    public static string SingleLine(string? value, int max = 1000)
    {
        if (string.IsNullOrEmpty(value)) return "";
        var chars = value.Select(c => char.IsControl(c) || c is '\u2028' or '\u2029' ? ' ' : c).ToArray();
        var text = string.Join(' ', new string(chars).Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return text.Length <= max ? text : text[..max];
    }

    /// <summary>CRLF line ends and at most one blank line in a row (Liquid tags leave empty lines behind).</summary>
    public static string NormaliseLines(string text)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n').Select(l => l.TrimEnd()).ToList();
        var kept = new List<string>();
        foreach (var line in lines)
        {
            if (line.Length == 0 && (kept.Count == 0 || kept[^1].Length == 0)) continue;
            kept.Add(line);
        }

        return string.Join("\r\n", kept).TrimEnd() + "\r\n";
    }
}
