using System.Net;
using ForumCloud.Functions.Partners;
using ForumCloud.Functions.Platform;
using ForumCloud.Tests.Infrastructure;

namespace ForumCloud.Tests.Partners;

/// <summary>The demo seeds load through the API's validation, read back as records with history, and load idempotently.</summary>
[Collection(WholeTableCollection.Name)]
public sealed class SeedTests
{
    [SkippableFact]
    public async Task The_demo_seeds_load_once_and_a_second_load_changes_nothing()
    {
        Skip.If(SharedRunner.ExternalBaseUrl is not null, "FORUMCLOUD_BASE_URL is set: this test needs the local runner's storage and services, which a deployed app does not expose.");
        var storage = await SharedAzurite.StorageAsync();
        var partners = PartnerApi.Registry(storage);
        var seeds = new PartnerSeeds(partners, new CooperationBook(storage, partners, TimeProvider.System), TimeProvider.System);

        await seeds.LoadAsync(CancellationToken.None);
        var before = await PartnerApi.SnapshotAsync(storage, TableNames.Partners, TableNames.Cooperations);
        await seeds.LoadAsync(CancellationToken.None);
        Assert.Equal(before, await PartnerApi.SnapshotAsync(storage, TableNames.Partners, TableNames.Cooperations));

        var http = await SharedRunner.ClientAsync();
        var harbour = await Problems.JsonAsync(await http.GetAsync("api/staff/partners/par_demoharbouruniversit"), HttpStatusCode.OK);
        Assert.Equal("hong-kong-macao-taiwan", harbour.GetProperty("regionCategory").GetString());
        // Demo partners are loaded verified, so local use keeps working without a verification mail.
        Assert.Equal("active", harbour.GetProperty("status").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.String, harbour.GetProperty("verifiedAt").ValueKind);

        var lab = await PartnerApi.StaffGetAsync(http, "coo_demophotonicslab2222");
        Assert.Equal("active", lab.GetProperty("status").GetString());
        Assert.Equal(4, lab.GetProperty("version").GetInt32());
        Assert.Equal(["proposed", "under-review", "signed", "active"], lab.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("to").GetString()));

        // Seeded records move on like any other.
        var moved = await PartnerApi.TransitionAsync(http, "coo_demoharbourmou222222", "under-review", 1);
        Assert.True(moved.StatusCode is HttpStatusCode.OK or HttpStatusCode.PreconditionFailed); // 412 when an earlier run in this Azurite moved it
    }

    [SkippableFact]
    public async Task A_seed_with_an_illegal_path_is_refused_before_anything_is_written()
    {
        Skip.If(SharedRunner.ExternalBaseUrl is not null, "FORUMCLOUD_BASE_URL is set: this test needs the local runner's storage and services, which a deployed app does not expose.");
        var storage = await SharedAzurite.StorageAsync();
        var partners = PartnerApi.Registry(storage);
        var seeds = new PartnerSeeds(partners, new CooperationBook(storage, partners, TimeProvider.System), TimeProvider.System);
        var cooperationId = "coo_" + Ids.New("x")[2..];
        var bad = new SeedFile(null,
        [
            new SeedPartner(Ids.New("par"), "Bad Seed Ltd", null, "GB", PartnerType.Enterprise, null, "a@example.org",
                [new SeedCooperation(cooperationId, "T", CooperationType.Mou, ["ai"], null, "2026-01-01", null, "D", [CooperationStatus.Active])]),
        ]);

        await Assert.ThrowsAsync<InvalidOperationException>(() => seeds.LoadAsync(bad, CancellationToken.None));
        Assert.Null(await new CooperationBook(storage, partners, TimeProvider.System).FindAsync(cooperationId, CancellationToken.None));
    }
}
