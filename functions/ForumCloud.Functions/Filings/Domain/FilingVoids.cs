namespace ForumCloud.Functions.Filings;

/// <summary>
/// Staff void a registered filing's certificate (POST /api/staff/filings/{filingId}/void with a note): the filing
/// shows voided with the reason, keeps its number (never reused: the counter only counts up), the history records
/// who and when, and the duplicate guard is given back so a corrected filing can be sent.
/// </summary>
public sealed class FilingVoids(FilingStore store, FilingKeys keys, TimeProvider clock)
{
    public async Task<FilingRecord> VoidAsync(string filingId, VoidRequest request, StaffActor actor, CancellationToken cancellationToken)
    {
        var errors = FieldErrors.For(request);
        var note = errors.Text("note", request.Note, 2000);
        errors.ThrowIfAny();

        for (var attempt = 0; attempt < 20; attempt++)
        {
            var record = await store.FindAsync(filingId, cancellationToken) ?? throw ProblemException.NotFound("No filing has that id.");
            if (record.Status != FilingStatus.Registered)
            {
                throw ProblemException.Conflict("The filing has no certificate to void.",
                    $"Only a registered filing's certificate is voided; this one is {ApiEnum.Name(record.Status)}.");
            }

            var now = clock.GetUtcNow();
            record.Status = FilingStatus.Voided;
            record.VoidReason = note;
            record.VoidedAt = now;
            var entry = new FilingHistoryEntry(now, FilingStatus.Voided, actor.Name, $"Certificate {record.CertificateNumber} voided: {note}");
            if (!await store.TrySaveAsync(record, [entry], cancellationToken)) continue;
            await keys.ReleaseAsync(record.Details, record.ApplicantId, filingId, cancellationToken);
            return record;
        }

        throw new InvalidOperationException($"Filing {filingId} kept changing while it was voided.");
    }
}
