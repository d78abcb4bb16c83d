using Azure.Data.Tables;
using ForumCloud.Functions.Events;
using ForumCloud.Functions.Platform;
using ForumCloud.Tests.Infrastructure;

namespace ForumCloud.Tests.Platform;

public sealed class StoredEnumTests
{
    [Fact]
    public void Values_are_written_in_the_API_spelling_and_read_in_it_or_the_old_CSharp_name()
    {
        Assert.Equal("pending-confirmation", StoredEnum.Write(RegistrationStatus.PendingConfirmation));
        Assert.Equal(RegistrationStatus.PendingConfirmation, StoredEnum.Read<RegistrationStatus>("pending-confirmation"));
        Assert.Equal(RegistrationStatus.PendingConfirmation, StoredEnum.Read<RegistrationStatus>("PendingConfirmation")); // a row from before
        Assert.True(StoredEnum.Is("Waitlisted", RegistrationStatus.Waitlisted));
        Assert.False(StoredEnum.Is("waitlisted", RegistrationStatus.Confirmed));
        Assert.Throws<FormatException>(() => StoredEnum.Read<RegistrationStatus>("2"));                   // no numbers
        Assert.Throws<FormatException>(() => StoredEnum.Read<RegistrationStatus>("pendingconfirmation")); // neither spelling
        Assert.Null(StoredEnum.ReadOptional<RegistrationStatus>(null));
    }

    [Fact]
    public async Task Filters_find_rows_in_both_spellings_until_the_old_ones_are_gone()
    {
        var storage = await SharedAzurite.StorageAsync();
        var table = storage.Table(TableNames.ForumEvents);
        var eventId = Unique.Slug("spelling");
        foreach (var (row, status) in new[] { ("reg-a", "Waitlisted"), ("reg-b", "waitlisted"), ("reg-c", "confirmed"), ("reg-d", "Cancelled") })
        {
            await table.AddEntityAsync(new TableEntity(eventId, row) { ["Status"] = status });
        }

        async Task<string[]> Rows(string condition)
        {
            var found = new List<string>();
            await foreach (var e in table.QueryAsync<TableEntity>($"{EventKeys.RegistrationsOf(eventId)} and {condition}")) found.Add(e.RowKey);
            return [.. found.Order()];
        }

        Assert.Equal(["reg-a", "reg-b"], await Rows(StoredEnum.Equal("Status", RegistrationStatus.Waitlisted)));
        Assert.Equal(["reg-a", "reg-b", "reg-c"], await Rows(StoredEnum.NotEqual("Status", RegistrationStatus.Cancelled)));
    }
}
