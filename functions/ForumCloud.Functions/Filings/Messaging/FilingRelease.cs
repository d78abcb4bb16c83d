namespace ForumCloud.Functions.Filings;

/// <summary>Which outcomes give the duplicate guard back, so that a corrected filing of the same contract can be sent.</summary>
public static class FilingRelease
{
    public static bool Releases(FilingStatus status) => status is FilingStatus.Rejected or FilingStatus.Voided;
}
