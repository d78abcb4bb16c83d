using Azure.Data.Tables;
using ForumCloud.Functions.Filings;
using ForumCloud.Functions.Platform;
using Microsoft.Extensions.DependencyInjection;

namespace ForumCloud.Tests.Filings;

/// <summary>The queue step, redelivery, poison marking, the duplicate guard and staff decisions, against Azurite.</summary>
public sealed class FilingProcessingTests
{
    [Fact]
    public async Task A_free_technology_is_registered_with_a_certificate_and_a_3_working_day_deadline()
    {
        var services = await FilingTestServices.CreateAsync();
        var filing = await services.StoreSubmittedAsync();

        await services.Processor.ProcessAsync(filing.FilingId, CancellationToken.None);

        var (record, history) = await services.ReadAsync(filing.FilingId);
        Assert.Equal(FilingStatus.Registered, record.Status);
        Assert.Matches(@"^\d{4}-E-000001$", record.CertificateNumber);
        Assert.Equal(TechnologyControl.Free, record.Screening!.Control);
        Assert.Equal(WorkingDayCalendar.LoadSeed().DueBy(record.SubmittedAt, 3), record.DecisionDueBy);
        Assert.Equal([FilingStatus.Submitted, FilingStatus.Screening, FilingStatus.Registered], history.Select(h => h.Status));
    }

    [Fact]
    public async Task Restricted_goes_to_review_with_30_working_days_and_prohibited_to_review_flagged_likely_prohibited()
    {
        var services = await FilingTestServices.CreateAsync();
        var restricted = await services.StoreSubmittedAsync(FilingSamples.Body(description: FilingSamples.RestrictedDescription));
        var prohibited = await services.StoreSubmittedAsync(FilingSamples.Body(description: FilingSamples.ProhibitedDescription));

        await services.Processor.ProcessAsync(restricted.FilingId, CancellationToken.None);
        await services.Processor.ProcessAsync(prohibited.FilingId, CancellationToken.None);

        var (review, _) = await services.ReadAsync(restricted.FilingId);
        Assert.Equal(FilingStatus.ReviewRequired, review.Status);
        Assert.Null(review.CertificateNumber);
        Assert.Equal(WorkingDayCalendar.LoadSeed().DueBy(review.SubmittedAt, 30), review.DecisionDueBy);
        Assert.Contains("30 + 15", review.DecisionDueNote);
        Assert.Equal("EXP-R-01", Assert.Single(review.Screening!.Matches).ItemId);

        var (flagged, history) = await services.ReadAsync(prohibited.FilingId);
        Assert.Equal(FilingStatus.ReviewRequired, flagged.Status);
        Assert.True(flagged.LikelyProhibited);
        Assert.False(review.LikelyProhibited);
        Assert.Null(flagged.CertificateNumber);
        Assert.Contains("EXP-P-01 Human cell cloning and gene editing technology", history[^1].Note);
        Assert.Equal(0, await services.Counter.CurrentAsync(CertificateCounter.SeriesOf(DateTime.UtcNow.Year, FilingDirection.Export), CancellationToken.None));
    }

    [Fact]
    public async Task Without_auto_registration_a_free_filing_awaits_staff_and_takes_no_number()
    {
        var services = await FilingTestServices.CreateAsync(autoRegister: false);
        var filing = await services.StoreSubmittedAsync();

        await services.Processor.ProcessAsync(filing.FilingId, CancellationToken.None);

        var (record, history) = await services.ReadAsync(filing.FilingId);
        Assert.Equal(FilingStatus.AwaitingRegistration, record.Status);
        Assert.Null(record.CertificateNumber);
        Assert.Equal(WorkingDayCalendar.LoadSeed().DueBy(record.SubmittedAt, 3), record.DecisionDueBy);
        Assert.Equal([FilingStatus.Submitted, FilingStatus.Screening, FilingStatus.AwaitingRegistration], history.Select(h => h.Status));
        Assert.Equal(0, await services.Counter.CurrentAsync(CertificateCounter.SeriesOf(DateTime.UtcNow.Year, FilingDirection.Export), CancellationToken.None));
    }

    [Fact]
    public async Task Auto_registration_needs_a_staff_approved_enterprise()
    {
        var services = await FilingTestServices.CreateAsync();
        var unchecked_ = await ApplicantApi.VerifiedAsync(services.Services.GetRequiredService<ApplicantRegistry>(), services.Storage, FilingSamples.PublishedUsccs[0]);
        var stored = await services.StoreSubmittedAsync();
        var record = (await services.ReadAsync(stored.FilingId)).Record;
        // The same filing, but from an applicant whose enterprise staff have not checked.
        var entity = record.ToEntity();
        entity["ApplicantId"] = unchecked_.ApplicantId;
        await services.Storage.Table(TableNames.Filings).UpdateEntityAsync(entity, Azure.ETag.All, TableUpdateMode.Replace);

        await services.Processor.ProcessAsync(stored.FilingId, CancellationToken.None);

        Assert.Equal(FilingStatus.AwaitingRegistration, (await services.ReadAsync(stored.FilingId)).Record.Status);
    }

    [Fact]
    public async Task The_same_message_twice_or_five_times_at_once_changes_nothing_more_and_burns_no_number()
    {
        var services = await FilingTestServices.CreateAsync();
        var filing = await services.StoreSubmittedAsync();
        var other = await services.StoreSubmittedAsync();

        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Task.Run(() => services.Processor.ProcessAsync(filing.FilingId, CancellationToken.None))));
        var (first, firstHistory) = await services.ReadAsync(filing.FilingId);
        await services.Processor.ProcessAsync(filing.FilingId, CancellationToken.None);
        var (second, secondHistory) = await services.ReadAsync(filing.FilingId);
        await services.Processor.ProcessAsync(other.FilingId, CancellationToken.None);

        Assert.Equal(first.CertificateNumber, second.CertificateNumber);
        Assert.Equal(first.ETag, second.ETag);
        Assert.Equal(3, secondHistory.Count);
        Assert.Equal(firstHistory, secondHistory);
        Assert.EndsWith("-000001", first.CertificateNumber);
        Assert.EndsWith("-000002", (await services.ReadAsync(other.FilingId)).Record.CertificateNumber);
    }

    [Fact]
    public async Task A_crash_after_the_number_was_taken_but_before_the_filing_was_updated_reuses_that_number()
    {
        var services = await FilingTestServices.CreateAsync();
        var filing = await services.StoreSubmittedAsync();
        // The first delivery took the number and died before writing the filing.
        var taken = await services.Counter.AssignAsync(filing.FilingId, FilingDirection.Export, CancellationToken.None);

        await services.Processor.ProcessAsync(filing.FilingId, CancellationToken.None);

        Assert.Equal(taken, (await services.ReadAsync(filing.FilingId)).Record.CertificateNumber);
        Assert.Equal(1, await services.Counter.CurrentAsync(taken[..6], CancellationToken.None));
    }

    [Fact]
    public async Task A_corrupt_record_fails_processing_and_the_poison_step_marks_it_failed_with_the_reason_once()
    {
        var services = await FilingTestServices.CreateAsync();
        var filing = await services.StoreSubmittedAsync();
        var table = services.Storage.Table(TableNames.Filings);
        await table.UpdateEntityAsync(new TableEntity(filing.FilingId, FilingRecord.RowKey) { ["Details"] = "{\"direction\":" }, Azure.ETag.All);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => services.Processor.ProcessAsync(filing.FilingId, CancellationToken.None));
        await services.Processor.RecordErrorAsync(filing.FilingId, error, CancellationToken.None);
        await services.Processor.MarkFailedAsync(filing.FilingId, CancellationToken.None);
        await services.Processor.MarkFailedAsync(filing.FilingId, CancellationToken.None);

        var entity = (await table.GetEntityAsync<TableEntity>(filing.FilingId, FilingRecord.RowKey)).Value;
        Assert.Equal("processing-failed", entity.GetString("Status"));
        Assert.Contains("JsonException", entity.GetString("FailureReason"));
        Assert.Equal(["submitted", "screening", "processing-failed"], FilingRecord.HistoryOf(entity).Select(h => ApiEnum.Name(h.Status))); // the failed try shows as screening
    }

    [Fact]
    public async Task The_poison_step_completes_a_filing_that_already_holds_a_certificate_number()
    {
        var services = await FilingTestServices.CreateAsync();
        var filing = await services.StoreSubmittedAsync();
        var taken = await services.Counter.AssignAsync(filing.FilingId, FilingDirection.Export, CancellationToken.None);

        await services.Processor.MarkFailedAsync(filing.FilingId, CancellationToken.None);

        var (record, _) = await services.ReadAsync(filing.FilingId);
        Assert.Equal(FilingStatus.Registered, record.Status);
        Assert.Equal(taken, record.CertificateNumber);
    }

    [Fact]
    public async Task The_poison_step_leaves_a_decided_filing_alone()
    {
        var services = await FilingTestServices.CreateAsync();
        var filing = await services.StoreSubmittedAsync(FilingSamples.Body(description: FilingSamples.ProhibitedDescription));
        await services.Processor.ProcessAsync(filing.FilingId, CancellationToken.None);
        await services.Processor.MarkFailedAsync(filing.FilingId, CancellationToken.None);
        Assert.Equal(FilingStatus.ReviewRequired, (await services.ReadAsync(filing.FilingId)).Record.Status);
    }

    [Fact]
    public async Task The_duplicate_guard_refuses_a_second_claim_and_frees_a_guard_whose_submission_died()
    {
        var services = await FilingTestServices.CreateAsync();
        var keys = services.Services.GetRequiredService<FilingKeys>();
        var details = FilingValidation.Validate(FilingSamples.Request(FilingSamples.Body()), new DateOnly(2026, 11, 27));
        var stored = await services.StoreSubmittedAsync(FilingSamples.Body());

        Assert.Null(await keys.ClaimAsync(details, null, "fil_dead", CancellationToken.None));
        // Claimed a moment ago and its filing not (yet) stored: still a submission in progress.
        Assert.Equal("fil_dead", await keys.ClaimAsync(details, null, "fil_retry", CancellationToken.None));

        // Two minutes later the guard without a filing is stale, and the retry takes it over.
        var later = new FilingKeys(services.Storage, services.Store, new FixedClock(DateTimeOffset.UtcNow + TimeSpan.FromMinutes(2)));
        Assert.Null(await later.ClaimAsync(details, null, stored.FilingId, CancellationToken.None));
        // Now it points to an existing filing: a duplicate, however late.
        Assert.Equal(stored.FilingId, await later.ClaimAsync(details, null, "fil_third", CancellationToken.None));

        // Released only by its holder.
        await keys.ReleaseAsync(details, null, "fil_dead", CancellationToken.None);
        Assert.Equal(stored.FilingId, await later.ClaimAsync(details, null, "fil_fourth", CancellationToken.None));

        // Another applicant's claim on the same contract is its own key: no squatting.
        Assert.Null(await keys.ClaimAsync(details, "apl_other", "fil_fifth", CancellationToken.None));
    }

    [Fact]
    public async Task A_rejected_filing_gives_its_guard_back_even_when_the_release_was_lost()
    {
        var services = await FilingTestServices.CreateAsync();
        var keys = services.Services.GetRequiredService<FilingKeys>();
        var body = FilingSamples.Body(description: FilingSamples.RestrictedDescription);
        var details = FilingValidation.Validate(FilingSamples.Request(body), new DateOnly(2026, 11, 27));
        var stored = await services.StoreSubmittedAsync(body);
        Assert.Null(await keys.ClaimAsync(details, services.Applicant.ApplicantId, stored.FilingId, CancellationToken.None));
        await services.Processor.ProcessAsync(stored.FilingId, CancellationToken.None);
        Assert.Equal(stored.FilingId, await keys.ClaimAsync(details, services.Applicant.ApplicantId, "fil_again", CancellationToken.None));

        // Rejected without the release (as if the process died between the two writes).
        var record = (await services.Store.FindAsync(stored.FilingId, CancellationToken.None))!;
        record.Status = FilingStatus.Rejected;
        Assert.True(await services.Store.TrySaveAsync(record, [], CancellationToken.None));

        Assert.Null(await keys.ClaimAsync(details, services.Applicant.ApplicantId, "fil_again", CancellationToken.None));
    }

    [Fact]
    public async Task Staff_approve_a_review_required_filing_once_and_it_gets_the_next_certificate_number()
    {
        var services = await FilingTestServices.CreateAsync();
        var decisions = services.Services.GetRequiredService<FilingDecisions>();
        var filing = await services.StoreSubmittedAsync(FilingSamples.Body(description: FilingSamples.RestrictedDescription));
        await services.Processor.ProcessAsync(filing.FilingId, CancellationToken.None);

        var approved = await decisions.DecideAsync(filing.FilingId, new StaffDecisionRequest(StaffDecisionKind.Approve, "Licence checked."), new StaffActor("li.wei"), CancellationToken.None);
        Assert.Equal(FilingStatus.Registered, approved.Status);
        Assert.EndsWith("-E-000001", approved.CertificateNumber);

        var second = await Assert.ThrowsAsync<ProblemException>(() => decisions.DecideAsync(filing.FilingId, new StaffDecisionRequest(StaffDecisionKind.Reject, "No."), new StaffActor("x"), CancellationToken.None));
        Assert.Equal(409, second.Status);
        var again = await Assert.ThrowsAsync<ProblemException>(() => decisions.DecideAsync(filing.FilingId, new StaffDecisionRequest(StaffDecisionKind.Approve, null), new StaffActor("x"), CancellationToken.None));
        Assert.Equal(409, again.Status);

        var (_, history) = await services.ReadAsync(filing.FilingId);
        Assert.Equal("li.wei", history[^1].Actor);
        Assert.Equal(1, await services.Counter.CurrentAsync(approved.CertificateNumber![..6], CancellationToken.None));
    }

    [Fact]
    public async Task Staff_reject_with_a_note_and_cannot_decide_filings_that_are_not_under_review()
    {
        var services = await FilingTestServices.CreateAsync();
        var decisions = services.Services.GetRequiredService<FilingDecisions>();
        var restricted = await services.StoreSubmittedAsync(FilingSamples.Body(description: FilingSamples.RestrictedDescription));
        var free = await services.StoreSubmittedAsync();
        await services.Processor.ProcessAsync(restricted.FilingId, CancellationToken.None);
        await services.Processor.ProcessAsync(free.FilingId, CancellationToken.None);

        var noNote = await Assert.ThrowsAsync<ProblemException>(() => decisions.DecideAsync(restricted.FilingId, new StaffDecisionRequest(StaffDecisionKind.Reject, null), new StaffActor("x"), CancellationToken.None));
        Assert.Equal(400, noNote.Status);
        var rejected = await decisions.DecideAsync(restricted.FilingId, new StaffDecisionRequest(StaffDecisionKind.Reject, "Dual-use concerns."), new StaffActor("x"), CancellationToken.None);
        Assert.Equal(FilingStatus.Rejected, rejected.Status);
        Assert.Null(rejected.CertificateNumber);

        // The free one was registered by auto-registration (this graph has it on): nothing left to decide.
        var notUnderReview = await Assert.ThrowsAsync<ProblemException>(() => decisions.DecideAsync(free.FilingId, new StaffDecisionRequest(StaffDecisionKind.Approve, null), new StaffActor("x"), CancellationToken.None));
        Assert.Equal(409, notUnderReview.Status);
    }

    [Fact]
    public async Task An_approval_interrupted_after_recording_the_decision_is_completed_by_repeating_it_and_blocks_a_rejection()
    {
        var services = await FilingTestServices.CreateAsync();
        var decisions = services.Services.GetRequiredService<FilingDecisions>();
        var filing = await services.StoreSubmittedAsync(FilingSamples.Body(description: FilingSamples.RestrictedDescription));
        await services.Processor.ProcessAsync(filing.FilingId, CancellationToken.None);

        // The approval recorded its decision and died before the certificate.
        var record = (await services.Store.FindAsync(filing.FilingId, CancellationToken.None))!;
        record.StaffDecision = StaffDecisionKind.Approve;
        record.StaffDecisionBy = "li.wei";
        Assert.True(await services.Store.TrySaveAsync(record, [], CancellationToken.None));

        var reject = await Assert.ThrowsAsync<ProblemException>(() => decisions.DecideAsync(filing.FilingId, new StaffDecisionRequest(StaffDecisionKind.Reject, "No."), new StaffActor("x"), CancellationToken.None));
        Assert.Equal(409, reject.Status);
        var done = await decisions.DecideAsync(filing.FilingId, new StaffDecisionRequest(StaffDecisionKind.Approve, null), new StaffActor("li.wei"), CancellationToken.None);
        Assert.Equal(FilingStatus.Registered, done.Status);
        Assert.EndsWith("-000001", done.CertificateNumber);
    }
}
