using Microsoft.AspNetCore.Http;

namespace ForumCloud.Functions.Platform;

/// <summary>A list's paging from its query string: pageSize (default 25, 1–100) and the continuation token.</summary>
public sealed record PageRequest(int PageSize, string? Continuation)
{
    public const int DefaultSize = 25;
    public const int MaxSize = 100;

    /// <summary>A bad pageSize joins <paramref name="errors"/>, beside the list's filter problems, so one 400 names them all.</summary>
    public static PageRequest Read(IQueryCollection query, FieldErrors errors)
    {
        string? value = query["pageSize"];
        var size = DefaultSize;
        if (!string.IsNullOrEmpty(value) && !(int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out size) && size is >= 1 and <= MaxSize))
        {
            errors.Add("pageSize", $"A whole number from 1 to {MaxSize}.");
            size = DefaultSize;
        }

        return new PageRequest(size, query["continuation"]);
    }

    /// <summary>For a list without filters: a bad pageSize is a 400 at once.</summary>
    public static PageRequest Read(IQueryCollection query)
    {
        var errors = new FieldErrors();
        var page = Read(query, errors);
        errors.ThrowIfAny();
        return page;
    }
}
