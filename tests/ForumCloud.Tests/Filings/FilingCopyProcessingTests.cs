using ForumCloud.Functions.Filings;

namespace ForumCloud.Tests.Filings;

/// <summary>
/// Processing from the copy a queue message carries (no read): it lands only while the filing is exactly as
/// submitted; a copy that is out of date falls back to reading, so redelivery stays harmless and numbers gapless.
/// </summary>
public sealed class FilingCopyProcessingTests
{
    [Fact]
    public async Task A_copy_is_processed_without_a_read_and_the_same_copy_again_changes_nothing()
    {
        var services = await FilingTestServices.CreateAsync();
        var filing = await services.StoreSubmittedAsync();
        var copy = SubmittedFiling.Of(filing);

        await services.Processor.ProcessAsync(filing.FilingId, copy, CancellationToken.None);
        var (first, history) = await services.ReadAsync(filing.FilingId);
        Assert.Equal(FilingStatus.Registered, first.Status);
        Assert.Matches(@"^\d{4}-E-000001$", first.CertificateNumber);
        Assert.Equal([FilingStatus.Submitted, FilingStatus.Screening, FilingStatus.Registered], history.Select(h => h.Status));
        Assert.Equal(filing.AccessTokenHash, first.AccessTokenHash); // a merge: what processing does not decide stays as stored

        // Redelivered (its ETag is stale now): read, found decided, left alone.
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => services.Processor.ProcessAsync(filing.FilingId, copy, CancellationToken.None)));
        var (again, againHistory) = await services.ReadAsync(filing.FilingId);
        Assert.Equal((first.CertificateNumber, first.ETag, 3), (again.CertificateNumber, again.ETag, againHistory.Count));
    }

    [Fact]
    public async Task A_copy_of_a_filing_changed_since_submission_is_decided_from_the_stored_record()
    {
        var services = await FilingTestServices.CreateAsync();
        var filing = await services.StoreSubmittedAsync();
        var copy = SubmittedFiling.Of(filing);
        await services.Processor.RecordErrorAsync(filing.FilingId, new InvalidOperationException("a failed try"), CancellationToken.None);
        var (failedTry, _) = await services.ReadAsync(filing.FilingId);
        Assert.Equal(FilingStatus.Screening, failedTry.Status);

        await services.Processor.ProcessAsync(filing.FilingId, copy, CancellationToken.None);

        var (record, history) = await services.ReadAsync(filing.FilingId);
        Assert.Equal(FilingStatus.Registered, record.Status);
        Assert.Null(record.LastError); // the reading path clears the failed try's error; the copy's write would not have
        Assert.Equal([FilingStatus.Submitted, FilingStatus.Screening, FilingStatus.Registered], history.Select(h => h.Status));
        Assert.Matches(@"^\d{4}-E-000001$", record.CertificateNumber);
    }
}
