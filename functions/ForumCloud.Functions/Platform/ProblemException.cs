namespace ForumCloud.Functions.Platform;

/// <summary>
/// A request that cannot be served, as RFC 9457 problem details. Domain code throws it; the HTTP edge
/// (<see cref="HttpEdge"/>) turns it into an `application/problem+json` answer.
/// </summary>
public class ProblemException : Exception
{
    public ProblemException(int status, string title, string? detail = null,
        IReadOnlyDictionary<string, string[]>? errors = null, IReadOnlyDictionary<string, object?>? extensions = null)
        : base(detail ?? title)
    {
        Status = status;
        Title = title;
        Detail = detail;
        Errors = errors;
        Extensions = extensions;
    }

    public int Status { get; }

    public string Title { get; }

    public string? Detail { get; }

    /// <summary>Field errors keyed by JSON path (`contract.number`), as ASP.NET's ValidationProblemDetails.</summary>
    public IReadOnlyDictionary<string, string[]>? Errors { get; }

    public IReadOnlyDictionary<string, object?>? Extensions { get; }

    /// <summary>Seconds the client should wait before retrying (503).</summary>
    public int? RetryAfterSeconds { get; init; }

    public static ProblemException BadRequest(string detail) => new(400, "The request is not valid.", detail);

    public static ProblemException NotFound(string detail) => new(404, "Not found.", detail);

    public static ProblemException Conflict(string title, string detail, IReadOnlyDictionary<string, object?>? extensions = null) =>
        new(409, title, detail, extensions: extensions);

    public static ProblemException PreconditionFailed(string detail) => new(412, "The record has changed.", detail);

    public static ProblemException Validation(IReadOnlyDictionary<string, string[]> errors) =>
        new(400, "One or more fields are not valid.", "See errors for each field.", errors);

    public static ProblemException Unavailable(string detail) =>
        new(503, "Service temporarily unavailable.", detail) { RetryAfterSeconds = 5 };
}
