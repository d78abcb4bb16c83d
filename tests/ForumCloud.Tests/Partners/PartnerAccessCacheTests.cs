using ForumCloud.Functions.Mail;
using ForumCloud.Functions.Partners;
using ForumCloud.Functions.Platform;
using ForumCloud.Tests.Infrastructure;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace ForumCloud.Tests.Partners;

/// <summary>
/// The token check of registrations in a partner's name is answered from a short per-instance cache. Two registries
/// over one Azurite stand for two instances: a suspension made on one reaches the other within the cache's lifetime,
/// and at once on the instance that made it; a wrong token is refused from the cache too.
/// </summary>
public sealed class PartnerAccessCacheTests
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(1.5);

    [Fact]
    public async Task A_suspension_reaches_another_instance_within_the_cache_lifetime_and_its_own_at_once()
    {
        var storage = await SharedAzurite.StorageAsync();
        var first = Instance(storage);
        var second = Instance(storage);
        var (partner, token) = await PartnerApi.AddVerifiedAsync(second, new PartnerCreate("Cache Test University", null, "DE", PartnerType.University, null, "cache.partner@example.org"));
        Assert.Equal(PartnerAccess.Verified, await first.AuthenticateAsync(partner.PartnerId, token, CancellationToken.None));
        Assert.Equal(PartnerAccess.Verified, await second.AuthenticateAsync(partner.PartnerId, token, CancellationToken.None));
        Assert.Equal(PartnerAccess.Unknown, await first.AuthenticateAsync(partner.PartnerId, token + "x", CancellationToken.None));

        await second.SetStatusAsync(partner.PartnerId, new PartnerStatusChange(PartnerStatus.Suspended, "Test of the cache."), new StaffActor("tester"), CancellationToken.None);
        Assert.Equal(PartnerAccess.Suspended, await second.AuthenticateAsync(partner.PartnerId, token, CancellationToken.None)); // the instance that suspended
        Assert.Equal(PartnerAccess.Verified, await first.AuthenticateAsync(partner.PartnerId, token, CancellationToken.None)); // still its cached answer

        await Task.Delay(Lifetime + TimeSpan.FromMilliseconds(300));
        Assert.Equal(PartnerAccess.Suspended, await first.AuthenticateAsync(partner.PartnerId, token, CancellationToken.None));

        // Suspended partners are not kept: reinstating takes effect everywhere at once.
        await second.SetStatusAsync(partner.PartnerId, new PartnerStatusChange(PartnerStatus.Active, null), new StaffActor("tester"), CancellationToken.None);
        Assert.Equal(PartnerAccess.Verified, await first.AuthenticateAsync(partner.PartnerId, token, CancellationToken.None));
    }

    [Fact]
    public void The_default_lifetime_is_the_one_the_readme_states()
    {
        Assert.Equal(TimeSpan.FromSeconds(10), new PartnerAccessCacheOptions().Lifetime);
    }

    /// <summary>One instance's registry: its own in-process cache over the shared storage.</summary>
    private static PartnerRegistry Instance(StorageAccount storage)
    {
        var cache = new ServiceCollection().AddHybridCache().Services.BuildServiceProvider().GetRequiredService<HybridCache>();
        var outbox = new MailOutbox(storage, new NoticeIndex(storage, NullLogger<NoticeIndex>.Instance), TimeProvider.System, NullLogger<MailOutbox>.Instance);
        return new PartnerRegistry(storage, outbox, MailSettings.FromConfiguration(new ConfigurationBuilder().Build()), new ForumCloud.Functions.Privacy.PrivacyNotices(), TimeProvider.System, cache, new PartnerAccessCacheOptions { Lifetime = Lifetime });
    }
}
