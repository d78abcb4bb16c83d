using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;

namespace ForumCloud.Functions.Partners;

/// <summary>
/// How a cooperation is laid out in its table partition (PartitionKey = cooperationId): one
/// <see cref="RecordRow"/> entity and one append-only history row per version
/// (`history-000001`, ...), so a transition updates the record and appends its history in one
/// entity-group transaction. Dates are stored as `yyyy-MM-dd` text so range filters compare them
/// as strings; enums in their API (kebab-case) spelling.
/// </summary>
internal static class CooperationRows
{
    public const string RecordRow = "record";
    public const string HistoryPrefix = "history-";

    public static string HistoryRow(int version) => HistoryPrefix + version.ToString("D6", CultureInfo.InvariantCulture);

    public static string DateText(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static TableEntity ToEntity(Cooperation c) => new(c.CooperationId, RecordRow)
    {
        ["PartnerId"] = c.PartnerId,
        ["Country"] = c.Country,
        ["RegionCategory"] = ApiEnum.Name(c.RegionCategory),
        ["Title"] = c.Title,
        ["Type"] = ApiEnum.Name(c.Type),
        ["Fields"] = JsonSerializer.Serialize(c.Fields, ApiJson.Options),
        ["ZgcPark"] = c.ZgcPark is { } park ? ApiEnum.Name(park) : null,
        ["StartDate"] = DateText(c.StartDate),
        ["EndDate"] = c.EndDate is { } end ? DateText(end) : null,
        ["Description"] = c.Description,
        ["Status"] = ApiEnum.Name(c.Status),
        ["Version"] = c.Version,
        ["CreatedAt"] = c.CreatedAt,
        ["UpdatedAt"] = c.UpdatedAt,
    };

    public static Cooperation FromEntity(TableEntity e) => new(
        e.PartitionKey,
        e.GetString("PartnerId"),
        e.GetString("Country"),
        StoredEnum.Read<RegionCategory>(e.GetString("RegionCategory")),
        e.GetString("Title"),
        StoredEnum.Read<CooperationType>(e.GetString("Type")),
        JsonSerializer.Deserialize<string[]>(e.GetString("Fields") ?? "[]", ApiJson.Options) ?? [],
        e.GetString("ZgcPark") is { } park ? StoredEnum.Read<ZgcPark>(park) : null,
        DateOnly.ParseExact(e.GetString("StartDate"), "yyyy-MM-dd", CultureInfo.InvariantCulture),
        e.GetString("EndDate") is { } end ? DateOnly.ParseExact(end, "yyyy-MM-dd", CultureInfo.InvariantCulture) : null,
        e.GetString("Description"),
        StoredEnum.Read<CooperationStatus>(e.GetString("Status")),
        e.GetInt32("Version") ?? 0,
        e.GetDateTimeOffset("CreatedAt") ?? default,
        e.GetDateTimeOffset("UpdatedAt") ?? default);

    public static TableEntity ToEntity(string cooperationId, HistoryEntry h) => new(cooperationId, HistoryRow(h.Version))
    {
        ["Version"] = h.Version,
        ["From"] = h.From is { } from ? ApiEnum.Name(from) : null,
        ["To"] = ApiEnum.Name(h.To),
        ["Actor"] = h.Actor,
        ["At"] = h.At,
        ["Note"] = h.Note,
    };

    public static HistoryEntry HistoryFromEntity(TableEntity e) => new(
        e.GetInt32("Version") ?? 0,
        e.GetString("From") is { } from ? StoredEnum.Read<CooperationStatus>(from) : null,
        StoredEnum.Read<CooperationStatus>(e.GetString("To")),
        e.GetString("Actor"),
        e.GetDateTimeOffset("At") ?? default,
        e.GetString("Note"));
}
