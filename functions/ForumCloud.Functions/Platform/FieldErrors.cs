using System.Globalization;
using System.Net.Mail;
using System.Text.RegularExpressions;

namespace ForumCloud.Functions.Platform;

/// <summary>
/// Collects field errors for one request and throws them together as a 400 problem, so a client
/// learns everything wrong with its body at once. Checks return the cleaned value (trimmed) to use.
/// </summary>
public sealed partial class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    /// <summary>Fields the body reader left out: their reader problem is the one to report, not "Required.".</summary>
    private readonly HashSet<string> _unreadable = new(StringComparer.Ordinal);

    public bool IsEmpty => _errors.Count == 0;

    /// <summary>The errors of a body's validation, starting with the fields the reader could not read (<see cref="PartlyReadable"/>).</summary>
    public static FieldErrors For(PartlyReadable body)
    {
        var errors = new FieldErrors();
        foreach (var (field, problem) in body.Unreadable ?? new Dictionary<string, string>())
        {
            errors.Record(field, problem);
            errors._unreadable.Add(field);
        }

        return errors;
    }

    public void Add(string field, string message)
    {
        if (!_unreadable.Contains(field)) Record(field, message);
    }

    private void Record(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = [];
        list.Add(message);
    }

    public void ThrowIfAny()
    {
        if (!IsEmpty) throw ProblemException.Validation(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
    }

    /// <summary>A required single-line text: trimmed, 1..max characters, no control or bidi-override characters.</summary>
    public string Text(string field, string? value, int max = 200)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, "Required.");
            return "";
        }

        return CheckText(field, value.Trim(), max, multiline: false);
    }

    /// <summary>An optional text: null when absent or blank.</summary>
    public string? OptionalText(string field, string? value, int max = 200, bool multiline = false) =>
        string.IsNullOrWhiteSpace(value) ? null : CheckText(field, value.Trim(), max, multiline);

    /// <summary>A required multi-line text (descriptions, notes).</summary>
    public string LongText(string field, string? value, int max)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, "Required.");
            return "";
        }

        return CheckText(field, value.Trim(), max, multiline: true);
    }

    public string Email(string field, string? value)
    {
        var text = Text(field, value, 254);
        if (text.Length == 0) return text;
        if (!EmailShape().IsMatch(text) || !MailAddress.TryCreate(text, out var parsed) || parsed.Address != text)
        {
            Add(field, "Not a valid email address.");
        }

        return text;
    }

    /// <summary>An ISO 3166-1 alpha-2 country or region code, upper-cased.</summary>
    public string Country(string field, string? value)
    {
        var text = Text(field, value, 2).ToUpperInvariant();
        if (text.Length > 0 && !Countries.IsAssigned(text)) Add(field, "Not an ISO 3166-1 alpha-2 code (for example DE, SG, HK).");
        return text;
    }

    public T Enum<T>(string field, T? value)
        where T : struct, System.Enum
    {
        if (value is null) Add(field, $"Required; one of: {string.Join(", ", EnumNames<T>())}.");
        return value.GetValueOrDefault();
    }

    public int Range(string field, int? value, int min, int max)
    {
        if (value is null) Add(field, "Required.");
        else if (value < min || value > max) Add(field, $"Must be between {min} and {max}.");
        return value.GetValueOrDefault();
    }

    public DateTimeOffset Instant(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, "Required.");
            return default;
        }

        // An offset is required: an event in Beijing and a partner in Berlin must agree on the instant.
        if (!OffsetTimestamp().IsMatch(value)
            || !DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant))
        {
            Add(field, "Must be an ISO 8601 date and time with an offset, for example 2027-03-25T09:00:00+08:00.");
            return default;
        }

        return instant;
    }

    public DateOnly Date(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, "Required.");
            return default;
        }

        return OptionalDate(field, value) ?? default;
    }

    public DateOnly? OptionalDate(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (!DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            Add(field, "Must be a date in the form YYYY-MM-DD.");
            return null;
        }

        return date;
    }

    public IReadOnlyList<string> TextList(string field, IReadOnlyList<string?>? values, int minCount, int maxCount, int maxLength)
    {
        if (values is null || values.Count < minCount)
        {
            Add(field, minCount > 0 ? $"At least {minCount} required." : "Required.");
            return [];
        }

        if (values.Count > maxCount)
        {
            Add(field, $"At most {maxCount} items.");
            return [];
        }

        return values.Select((v, i) => Text($"{field}[{i}]", v, maxLength)).ToArray();
    }

    public static IEnumerable<string> EnumNames<T>()
        where T : struct, System.Enum => ApiEnum.Names<T>();

    /// <summary>An optional enum from the query string (kebab-case); an unknown value is a field error, never ignored.</summary>
    public T? OptionalEnum<T>(string field, string? value)
        where T : struct, System.Enum
    {
        if (string.IsNullOrEmpty(value)) return null;
        if (ApiEnum.TryParse<T>(value, out var parsed)) return parsed;
        Add(field, $"One of: {string.Join(", ", ApiEnum.Names<T>())}.");
        return null;
    }

    private string CheckText(string field, string text, int max, bool multiline)
    {
        if (text.Length > max) Add(field, $"At most {max} characters.");
        else if (UnsafeCharacters.Find(text, multiline) is { } reason) Add(field, reason);
        else if (!text.Any(char.IsLetterOrDigit)) Add(field, "Must contain letters or digits."); // e.g. only zero-width or punctuation
        return text;
    }

    [GeneratedRegex(@"^[^\s@""<>()\[\]\\,;:]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")]
    private static partial Regex EmailShape();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex OffsetTimestamp();
}
