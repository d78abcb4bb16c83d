namespace ForumCloud.Functions.Platform;

/// <summary>How a presented one-time token compares with the one stored for its subject.</summary>
public enum LinkTokenCheck
{
    Valid,
    Wrong,
    Used,
    Expired,
}

/// <summary>
/// One-time tokens mailed to prove that someone reads an address (partner and applicant verification), and
/// access tokens that must say whose they are. A token is "{subjectId}.{secret}": the id names the one row to
/// read (a point read, no index of hashes), the secret is 256 random bits, and only the hash of the whole token
/// is stored (<see cref="Secrets"/>). The hash stays after use, so a reused link is told from a wrong one.
/// </summary>
public static class VerificationLinks
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    public static string NewToken(string subjectId) => subjectId + "." + Secrets.NewToken();

    /// <summary>
    /// The link a verification mail carries: the page at <paramref name="pagePath"/> with the token in the fragment
    /// (#token=…). Browsers do not send fragments, so the token never reaches a server log, and the page (a GET that
    /// changes nothing) posts it only when the reader presses Confirm.
    /// </summary>
    public static string Url(Uri publicBaseUrl, string pagePath, string token) =>
        new Uri(publicBaseUrl, pagePath) + "#token=" + Uri.EscapeDataString(token);

    /// <summary>The subject id a token names, or null for anything that is not shaped like one of ours.</summary>
    public static string? SubjectOf(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 128) return null;
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 ? token[..dot] : null;
    }

    public static LinkTokenCheck Check(string presented, string? storedHash, DateTimeOffset? expiresAt, bool used, DateTimeOffset now)
    {
        if (storedHash is null || !Secrets.Matches(presented, storedHash)) return LinkTokenCheck.Wrong;
        if (used) return LinkTokenCheck.Used;
        return expiresAt is { } at && now >= at ? LinkTokenCheck.Expired : LinkTokenCheck.Valid;
    }

    /// <summary>The token of a POST …/verify body: 400 when it is missing.</summary>
    public static string RequireToken(string? token)
    {
        var errors = new FieldErrors();
        var text = errors.Text("token", token, 200);
        errors.ThrowIfAny();
        return text;
    }

    /// <summary>The answer to a token that does not verify: 400 for a wrong one, 410 Gone for a used or expired one.</summary>
    public static ProblemException Refusal(LinkTokenCheck check) => check switch
    {
        LinkTokenCheck.Used => new ProblemException(410, "This link has already been used.",
            "Each verification link works once. If you did not keep the access token it gave, register again."),
        LinkTokenCheck.Expired => new ProblemException(410, "This link has expired.",
            "Verification links are valid for 24 hours. Register again to get a new one."),
        _ => new ProblemException(400, "The verification token is not valid.", "Check that the whole link from the mail was used."),
    };
}

/// <summary>POST …/verify body.</summary>
public sealed record VerifyRequest(string? Token);
