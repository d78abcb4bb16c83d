using System.Text.Json.Serialization;

namespace ForumCloud.Functions.Platform;

/// <summary>
/// A request body that may be read in part. A value of the wrong JSON kind (a number for a name, an unknown enum
/// value) or a property the request does not have stops System.Text.Json at that field; for these bodies
/// <see cref="RequestBody"/> leaves such fields out, reads the rest, and hands the left-out fields' problems to the
/// validation through <see cref="FieldErrors.For"/>, so one 400 lists every field's problem at once. The validation
/// must start from <see cref="FieldErrors.For"/> and end in <see cref="FieldErrors.ThrowIfAny"/>, or the left-out fields
/// would pass as absent.
/// </summary>
public abstract record PartlyReadable
{
    /// <summary>The fields left out, by JSON path (`contract.parties[0].name`), with what was wrong with each.</summary>
    [JsonIgnore]
    public IReadOnlyDictionary<string, string>? Unreadable { get; internal set; }
}
