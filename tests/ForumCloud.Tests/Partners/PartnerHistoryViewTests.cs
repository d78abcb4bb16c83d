using System.Text.Json;
using ForumCloud.Functions.Partners;
using ForumCloud.Tests.Infrastructure;

namespace ForumCloud.Tests.Partners;

/// <summary>A partner sees who acted on its record by role, never a staff member's name (staff see the name).</summary>
public sealed class PartnerHistoryViewTests
{
    [Fact]
    public async Task A_partner_reads_commission_staff_where_staff_read_the_actor()
    {
        using var http = await SharedRunner.ClientAsync();
        var (partnerId, token) = await PartnerApi.RegisterAsync(http);
        var cooperationId = await PartnerApi.CreateCooperationAsync(http, partnerId, token);
        await PartnerApi.WalkAsync(http, cooperationId, ["under-review", "signed"]);

        var staffHistory = (await PartnerApi.StaffGetAsync(http, cooperationId)).GetProperty("history").EnumerateArray().ToList();
        using var partnerResponse = await PartnerApi.GetWithTokenAsync(http, $"api/cooperations/{cooperationId}", token);
        var partnerJson = await partnerResponse.Content.ReadAsStringAsync();
        var partnerHistory = JsonDocument.Parse(partnerJson).RootElement.GetProperty("history").EnumerateArray().ToList();

        Assert.Equal(3, partnerHistory.Count);
        Assert.Equal("partner:" + partnerId, partnerHistory[0].GetProperty("actor").GetString()); // its own entry as it is
        Assert.All(partnerHistory.Skip(1), h => Assert.Equal(HistoryEntry.StaffRole, h.GetProperty("actor").GetString()));
        Assert.All(staffHistory.Skip(1), h => Assert.NotEqual(HistoryEntry.StaffRole, h.GetProperty("actor").GetString()));
        Assert.DoesNotContain(staffHistory[1].GetProperty("actor").GetString()!, partnerJson);
    }
}
