using System.Text.Json;

namespace ForumCloud.Functions.Privacy;

/// <summary>One version of the privacy notice, in both languages (seeds/privacy-notice.json).</summary>
public sealed record PrivacyNotice(string Version, string Zh, string En);

/// <summary>
/// The notice in force, read once from seeds/. A person's consent is the version they saw: a form sent
/// with another (or no) version has not been consented to, so nothing of it is stored (PIPL Arts. 13-17).
/// When the notice changes, the new text gets a new version; earlier versions stay valid for what was
/// collected under them, and only the current one is accepted for new data.
/// </summary>
public sealed class PrivacyNotices
{
    public const string Field = "privacyNoticeVersion";

    public PrivacyNotices() : this(SeedFiles.PathOf("privacy-notice.json"))
    {
    }

    public PrivacyNotices(string path)
    {
        using var stream = File.OpenRead(path);
        Current = JsonSerializer.Deserialize<PrivacyNotice>(stream, ApiJson.Options)
            ?? throw new InvalidOperationException($"{path} holds no privacy notice.");
        if (string.IsNullOrWhiteSpace(Current.Version) || string.IsNullOrWhiteSpace(Current.Zh) || string.IsNullOrWhiteSpace(Current.En))
        {
            throw new InvalidOperationException($"{path} needs a version and the notice in Chinese and English.");
        }
    }

    public PrivacyNotice Current { get; }

    /// <summary>The accepted version to store with the record; 422 problem details when it is missing or not the current notice.</summary>
    public string RequireAccepted(string? version) => Accept(new FieldErrors(), version);

    /// <summary>
    /// Checks consent as the last step of a form's validation, so a form with other mistakes lists them all at once
    /// (400, the consent among them); a form whose only problem is the consent gets 422, nothing stored either way.
    /// </summary>
    public string Accept(FieldErrors errors, string? version)
    {
        if (string.Equals(version, Current.Version, StringComparison.Ordinal)) return Current.Version;

        var message = string.IsNullOrEmpty(version)
            ? $"Read the privacy notice (GET /api/privacy) and send the version you accept: \"{Current.Version}\"."
            : $"That is not the privacy notice in force; read GET /api/privacy and accept \"{Current.Version}\".";
        if (!errors.IsEmpty)
        {
            errors.Add(Field, message);
            errors.ThrowIfAny();
        }

        throw new ProblemException(422, "The privacy notice must be accepted.", message,
            errors: new Dictionary<string, string[]> { [Field] = [message] });
    }
}
