using Azure;
using Azure.Data.Tables;
using ForumCloud.Functions.Mail;
using Microsoft.Extensions.Logging;

namespace ForumCloud.Functions.Partners;

/// <summary>What one expiry scan did.</summary>
public sealed record ExpiryScanResult(string Today, int Expired, int RemindersWritten, int RemindersAlreadyPresent, int Skipped);

/// <summary>
/// The daily scan: active records past their end date become <c>expired</c> (actor "system", with a
/// history row, through the same ETag-guarded transition as staff use), and a reminder is written for
/// each signed or active record that ends within 30 days, for each record it expired, and for each
/// signed record whose end date passed before it became active. Reminder keys
/// are deterministic (cooperationId; kind and end date), inserted only if absent, so a second run — or
/// two runners firing together — changes nothing.
/// </summary>
public sealed class CooperationExpiry(StorageAccount storage, CooperationBook book, PartnerRegistry partners, MailOutbox outbox, TimeProvider clock, ILogger<CooperationExpiry> logger)
{
    public const int ReminderWindowDays = 30;
    public const string SystemActor = "system";

    public async Task<ExpiryScanResult> RunAsync(CancellationToken cancellationToken)
    {
        var today = BeijingTime.Today(clock);
        var todayText = CooperationRows.DateText(today);
        var cooperations = storage.Table(TableNames.Cooperations);
        int expired = 0, written = 0, present = 0, skipped = 0;

        // Signed or active and past the end date (EndDate is absent for open-ended agreements, which never expire).
        var pastEnd = TableClient.CreateQueryFilter(
            $"RowKey eq {CooperationRows.RecordRow} and (Status eq {ApiEnum.Name(CooperationStatus.Signed)} or Status eq {ApiEnum.Name(CooperationStatus.Active)}) and EndDate lt {todayText}");
        await foreach (var entity in cooperations.QueryAsync<TableEntity>(pastEnd, cancellationToken: cancellationToken))
        {
            var record = CooperationRows.FromEntity(entity);
            if (record.Status == CooperationStatus.Signed)
            {
                // Signed but never activated, and its term is over: the lifecycle has no move for the scan
                // to make (only an active agreement expires), so staff are told instead.
                if (await RemindAsync(record, ReminderKind.PastEndNotActive, todayText, cancellationToken)) written++;
                else present++;
                continue;
            }

            // The reminder first: if the transition then fails, the next run repeats both, and the reminder insert is a no-op.
            if (await RemindAsync(record, ReminderKind.Expired, todayText, cancellationToken)) written++;
            else present++;
            try
            {
                await book.TransitionAsync(record.CooperationId, CooperationStatus.Expired,
                    $"End date {CooperationRows.DateText(record.EndDate!.Value)} has passed.", record.Version, SystemActor, cancellationToken);
                expired++;
            }
            catch (ProblemException ex) when (ex.Status is 409 or 412)
            {
                // Staff changed the record meanwhile; tomorrow's run looks at it again.
                skipped++;
            }
        }

        var soon = TableClient.CreateQueryFilter(
            $"RowKey eq {CooperationRows.RecordRow} and (Status eq {ApiEnum.Name(CooperationStatus.Signed)} or Status eq {ApiEnum.Name(CooperationStatus.Active)}) and EndDate ge {todayText} and EndDate le {CooperationRows.DateText(today.AddDays(ReminderWindowDays))}");
        await foreach (var entity in cooperations.QueryAsync<TableEntity>(soon, cancellationToken: cancellationToken))
        {
            if (await RemindAsync(CooperationRows.FromEntity(entity), ReminderKind.ExpiringSoon, todayText, cancellationToken)) written++;
            else present++;
        }

        var result = new ExpiryScanResult(todayText, expired, written, present, skipped);
        logger.LogInformation("Cooperation expiry scan for {Today}: {Expired} expired, {Written} reminders written, {Present} already present, {Skipped} skipped",
            todayText, expired, written, present, skipped);
        return result;
    }

    /// <summary>Inserts the reminder unless it exists, and mails it to the partner's contact (once: the outbox key is the reminder's); true when this call wrote it.</summary>
    private async Task<bool> RemindAsync(Cooperation record, ReminderKind kind, string todayText, CancellationToken cancellationToken)
    {
        var written = await WriteReminderAsync(record, kind, todayText, cancellationToken);
        await MailAsync(record, kind, cancellationToken); // also when present: a run that stopped between the two writes is completed
        return written;
    }

    private async Task MailAsync(Cooperation record, ReminderKind kind, CancellationToken cancellationToken)
    {
        if (await partners.FindAsync(record.PartnerId, cancellationToken) is not { } partner) return;
        var model = new Dictionary<string, string>
        {
            ["partnerName"] = partner.Name,
            ["partnerNameZh"] = partner.NameZh ?? partner.Name,
            ["cooperationTitle"] = record.Title,
            ["cooperationId"] = record.CooperationId,
            ["endDate"] = CooperationRows.DateText(record.EndDate!.Value),
            ["kind"] = ApiEnum.Name(kind),
        };
        var key = new OutboxKey("cooperation-" + record.CooperationId, Reminders.RowKey(kind, record.EndDate!.Value));
        await outbox.QueueAsync(new MailRequest(key, partner.ContactEmail, partner.Name, "cooperation-reminder", null, model), cancellationToken);
    }

    private async Task<bool> WriteReminderAsync(Cooperation record, ReminderKind kind, string todayText, CancellationToken cancellationToken)
    {
        var reminder = new TableEntity(record.CooperationId, Reminders.RowKey(kind, record.EndDate!.Value))
        {
            ["Kind"] = ApiEnum.Name(kind),
            ["PartnerId"] = record.PartnerId,
            ["Country"] = record.Country,
            ["Title"] = record.Title,
            ["Status"] = ApiEnum.Name(record.Status),
            ["EndDate"] = CooperationRows.DateText(record.EndDate!.Value),
            ["WrittenOn"] = todayText,
        };
        try
        {
            await storage.Table(TableNames.Reminders).AddEntityAsync(reminder, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }
}

public enum ReminderKind
{
    /// <summary>A signed or active record whose end date is within the reminder window.</summary>
    ExpiringSoon,

    /// <summary>An active record the scan moved to expired.</summary>
    Expired,

    /// <summary>A signed record whose end date passed before it became active.</summary>
    PastEndNotActive,
}

/// <summary>Reminder keys: PartitionKey = cooperationId, RowKey = kind and end date (a new end date is a new reminder).</summary>
public static class Reminders
{
    public static string RowKey(ReminderKind kind, DateOnly endDate) => $"{ApiEnum.Name(kind)}-{CooperationRows.DateText(endDate)}";
}
