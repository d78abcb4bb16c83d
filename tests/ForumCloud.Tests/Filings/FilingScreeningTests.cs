using ForumCloud.Functions.Filings;

namespace ForumCloud.Tests.Filings;

public sealed class FilingScreeningTests
{
    private static readonly FilingScreening Screening = new(TechnologyCatalogue.LoadSeed(), new EnglishTerms());

    private static ScreeningResult Screen(string name, string description, FilingDirection direction = FilingDirection.Export, string field = "engineering") =>
        Screening.Screen(direction, new TechnologyDetails(name, field, description));

    [Fact]
    public void A_technology_matching_nothing_is_free_and_the_result_names_the_catalogue_version()
    {
        var result = Screen(FilingSamples.FreeTechnology, FilingSamples.FreeDescription);
        Assert.Equal(TechnologyControl.Free, result.Control);
        Assert.Empty(result.Matches);
        Assert.Equal("2025-07-15 excerpt", result.CatalogueVersion);
        Assert.Contains("not a legal classification", result.Note);
    }

    [Fact]
    public void Restricted_items_match_through_stemming()
    {
        // "cathode materials" and "prepared" stem to the keyword "cathode material".
        var result = Screen("Cathode materials for sodium batteries", "Process know-how for preparing layered cathode materials.");
        Assert.Equal(TechnologyControl.Restricted, result.Control);
        Assert.Equal("EXP-R-02", Assert.Single(result.Matches).ItemId);

        Assert.Equal(TechnologyControl.Restricted, Screen("Perception stack", "Point-cloud fusion for LiDARs on mining trucks.").Control);
        Assert.Equal(TechnologyControl.Restricted, Screen("Voice assistant", "Speech-synthesis engine with recognizing of dialects.").Control);
    }

    [Fact]
    public void Prohibited_items_win_over_restricted_and_are_named()
    {
        var result = Screen("Cell therapy platform", "Genome-edited human cells, sequenced with a lidar-free pipeline; speech synthesis for the lab assistant.");
        Assert.Equal(TechnologyControl.Prohibited, result.Control);
        Assert.Equal("EXP-P-01", result.Matches[0].ItemId);
        Assert.Equal("Human cell cloning and gene editing technology", result.Matches[0].Name);
        Assert.Contains(result.Matches, m => m.Control == TechnologyControl.Restricted);
    }

    [Fact]
    public void Chinese_names_and_keywords_match_as_substrings()
    {
        Assert.Equal(TechnologyControl.Prohibited, Screen("中药饮片炮制工艺", "传统炮制方法").Control);
        Assert.Equal(TechnologyControl.Restricted, Screen("车载激光雷达", "点云处理").Control);
        Assert.Equal(TechnologyControl.Free, Screen("工业互联网网关", "设备数据采集").Control);
    }

    [Fact]
    public void Words_that_merely_share_a_prefix_do_not_match()
    {
        // "editorial" is not "editing"; "rare" alone is not "rare earth".
        Assert.Equal(TechnologyControl.Free, Screen("Editorial workflow", "A rare find: gene expression charts for an editorial team.").Control);
    }

    [Fact]
    public void Each_direction_is_screened_against_its_own_catalogue()
    {
        var import = Screen("Chlor-alkali plant", "Mercury cell electrolysis line", FilingDirection.Import);
        Assert.Equal(TechnologyControl.Prohibited, import.Control);
        Assert.Contains("import", import.CatalogueVersion);
        Assert.Equal(TechnologyControl.Free, Screen("Chlor-alkali plant", "Mercury cell electrolysis line", FilingDirection.Export).Control);
        Assert.Equal(TechnologyControl.Free, Screen("Gene therapy", "gene editing", FilingDirection.Import).Control);
    }
}
