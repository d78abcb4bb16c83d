using System.Text.RegularExpressions;
using Azure.Data.Tables;
using ForumCloud.Functions.Platform;

namespace ForumCloud.Tests.Infrastructure;

/// <summary>
/// The one-time token of a verification mail read from the outbox row itself, for runners started without triggers
/// (nothing delivers their mail). Tests with a delivering runner read the real mail instead (<see cref="TestMailbox"/>).
/// </summary>
public static partial class OutboxLinks
{
    public static async Task<string> TokenAsync(StorageAccount storage, string partition, string row = "verification")
    {
        var entity = (await storage.Table(TableNames.Notifications).GetEntityAsync<TableEntity>(partition, row)).Value;
        var match = TokenPattern().Match(entity.GetString("Text") ?? "");
        Assert.True(match.Success, $"The outbox mail {partition}/{row} carries a verification link.");
        return Uri.UnescapeDataString(match.Groups[1].Value);
    }

    [GeneratedRegex("#token=([A-Za-z0-9._~%-]+)")]
    private static partial Regex TokenPattern();
}
