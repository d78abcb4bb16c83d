using System.Text;
using System.Text.RegularExpressions;

namespace ForumCloud.Bot.Conversation;

/// <summary>Where the core records the questions it refused, so staff can improve the keywords (the Function App keeps them in Table Storage).</summary>
public interface IUnansweredQuestions
{
    Task RecordAsync(string normalisedQuestion, DateTimeOffset at, CancellationToken cancellationToken);
}

/// <summary>Records nothing (the terminal chat and tests that do not look).</summary>
public sealed class NoUnansweredRecord : IUnansweredQuestions
{
    public Task RecordAsync(string normalisedQuestion, DateTimeOffset at, CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>
/// The form a refused question is counted under: personal data masked (email addresses, phone and other long
/// numbers, URLs), lower case, punctuation and spacing collapsed, at most 160 characters. Two people asking
/// the same thing count as one question asked twice.
/// </summary>
public static partial class UnansweredText
{
    public const int MaxLength = 160;

    public static string Normalise(string question)
    {
        if (question.Length > 500) question = question[..500];
        var text = Email().Replace(question, " [email] ");
        text = Url().Replace(text, " [link] ");
        text = LongNumber().Replace(text, " [number] ");
        var builder = new StringBuilder(text.Length);
        foreach (var c in text.ToLowerInvariant())
        {
            var keep = char.IsLetterOrDigit(c) || c is '[' or ']' or '&' or '-';
            if (keep) builder.Append(c);
            else if (builder.Length > 0 && builder[^1] != ' ') builder.Append(' ');
        }

        var normalised = builder.ToString().Trim();
        return normalised.Length <= MaxLength ? normalised : normalised[..MaxLength].TrimEnd();
    }

    [GeneratedRegex(@"[^\s@]+@[^\s@]+", RegexOptions.NonBacktracking)]
    private static partial Regex Email();

    [GeneratedRegex(@"(https?://|www\.)\S+", RegexOptions.NonBacktracking | RegexOptions.IgnoreCase)]
    private static partial Regex Url();

    // Phone numbers, ID and passport numbers, order codes: any run of 5+ digits, spaces or dashes between allowed.
    [GeneratedRegex(@"\+?\d[\d\s\-]{3,}\d", RegexOptions.NonBacktracking)]
    private static partial Regex LongNumber();
}
