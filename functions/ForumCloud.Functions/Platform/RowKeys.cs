namespace ForumCloud.Functions.Platform;

/// <summary>Key ranges for prefix queries inside one partition (RowKey ge prefix and RowKey lt After(prefix)).</summary>
public static class RowKeys
{
    /// <summary>Upper bound of a prefix range: the prefix's last character, incremented.</summary>
    public static string After(string prefix) => prefix[..^1] + (char)(prefix[^1] + 1);
}
