using System.Text.Json;

namespace ForumCloud.Functions.Partners;

/// <summary>
/// Loads the fictional demo partners and cooperation records of seeds/partners.json on a local start.
/// Each seed goes through the same validation as the API and each record's path through the lifecycle
/// table; fixed ids and insert-if-absent make a second load change nothing.
/// </summary>
public sealed class PartnerSeeds(PartnerRegistry partners, CooperationBook book, TimeProvider clock) : ISeedLoader
{
    public const string FileName = "partners.json";
    public const string SeedActor = "seed";

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var path = SeedFiles.PathOf(FileName);
        if (!File.Exists(path)) return;
        await using var stream = File.OpenRead(path);
        var file = await JsonSerializer.DeserializeAsync<SeedFile>(stream, ApiJson.Options, cancellationToken)
            ?? throw new InvalidOperationException($"{FileName} is empty.");
        await LoadAsync(file, cancellationToken);
    }

    public async Task LoadAsync(SeedFile file, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        foreach (var seed in file.Partners)
        {
            if (!PartnerRegistry.PartnerIds.IsValid(seed.PartnerId)) throw new InvalidOperationException($"Seed partner id '{seed.PartnerId}' is not a partner id.");
            var (validated, _) = PartnerRegistry.Validate(new PartnerCreate(seed.Name, seed.NameZh, seed.Country, seed.Type, seed.Website, seed.ContactEmail), now);
            // Loaded verified, with a random token nobody holds: demo partners are read through the staff routes.
            var partner = validated with { PartnerId = seed.PartnerId, Status = PartnerStatus.Active, VerifiedAt = now };
            await partners.AddIfAbsentAsync(partner, cancellationToken);

            foreach (var c in seed.Cooperations)
            {
                if (!CooperationBook.CooperationIds.IsValid(c.CooperationId)) throw new InvalidOperationException($"Seed cooperation id '{c.CooperationId}' is not a cooperation id.");
                var draft = CooperationBook.Validate(new CooperationCreate(c.Title, c.Type, c.Fields, c.ZgcPark, c.StartDate, c.EndDate, c.Description));
                var history = new List<HistoryEntry> { new(1, null, CooperationStatus.Proposed, $"partner:{partner.PartnerId}", now, "Demo record.") };
                foreach (var to in c.Path)
                {
                    var from = history[^1].To;
                    if (!CooperationLifecycle.IsLegal(from, to)) throw new InvalidOperationException($"Seed {c.CooperationId}: {from} -> {to} is not a legal transition.");
                    history.Add(new HistoryEntry(history.Count + 1, from, to, SeedActor, now, to == CooperationStatus.Terminated ? "Demo termination." : null));
                }

                var record = new Cooperation(c.CooperationId, partner.PartnerId, partner.Country, partner.RegionCategory, draft.Title, draft.Type, draft.Fields,
                    draft.ZgcPark, draft.StartDate, draft.EndDate, draft.Description, history[^1].To, history.Count, now, now);
                await book.AddIfAbsentAsync(record, history, cancellationToken);
            }
        }
    }
}

public sealed record SeedFile(string? Note, IReadOnlyList<SeedPartner> Partners);

public sealed record SeedPartner(string PartnerId, string? Name, string? NameZh, string? Country, PartnerType? Type, string? Website, string? ContactEmail,
    IReadOnlyList<SeedCooperation> Cooperations);

public sealed record SeedCooperation(string CooperationId, string? Title, CooperationType? Type, IReadOnlyList<string?>? Fields, ZgcPark? ZgcPark,
    string? StartDate, string? EndDate, string? Description, IReadOnlyList<CooperationStatus> Path);
