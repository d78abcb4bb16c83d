using Azure;
using Azure.Data.Tables;
using ForumCloud.Functions.Mail;

namespace ForumCloud.Functions.Events;

/// <summary>
/// Erases the person from a registration (PIPL Art. 47): the person asks with the manage token
/// (<see cref="RegistrationDesk.CancelAsync"/> with erase), or retention does it after the event
/// (<see cref="Retention.RetentionSweep"/>). The row stays as an anonymous tombstone: code, status, country, partner
/// and timestamps, so the counts and the seat ledger stay right; name, email, organisation, role, the check-in secret
/// and the confirmation link's hash go. Its QR index row goes, and its mails in the outbox are erased
/// (<see cref="OutboxErasure"/>). Every step can run again and changes nothing the second time.
/// </summary>
public sealed class RegistrationErasure(StorageAccount storage, OutboxErasure outbox, TimeProvider time)
{
    private TableClient Table => storage.Table(TableNames.ForumEvents);

    public static bool IsErased(RegistrationRow row) => row.ErasedAt is not null;

    public static void Strip(RegistrationRow row, DateTimeOffset now)
    {
        row.Name = "";
        row.Email = "";
        row.Organization = "";
        row.Role = null;
        row.CheckInSecret = null;
        row.ConfirmTokenHash = null;
        row.ErasedAt ??= now;
    }

    /// <summary>Erases a registration that no longer holds a place (cancelled, or its hold released); the count of its mails erased.</summary>
    public async Task<int> EraseAsync(RegistrationRow row, CancellationToken cancellationToken)
    {
        var (eventId, code, fresh) = (row.PartitionKey, row.Code, true);
        return await OptimisticConcurrency.RetryAsync("The registration", async () =>
        {
            if (!fresh) row = (await Table.GetEntityAsync<RegistrationRow>(eventId, EventKeys.Registration(code), cancellationToken: cancellationToken)).Value;
            fresh = false;
            if (IsErased(row)) return await EraseTracesAsync(eventId, code, null, cancellationToken);
            var secret = row.CheckInSecret;
            Strip(row, time.GetUtcNow());
            await Table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken);
            return await EraseTracesAsync(eventId, code, secret, cancellationToken);
        }, cancellationToken, attempts: 10);
    }

    /// <summary>What lives outside the row: the QR index (keyed by the secret's hash) and the registration's mails.</summary>
    public async Task<int> EraseTracesAsync(string eventId, string code, string? checkInSecret, CancellationToken cancellationToken)
    {
        if (checkInSecret is not null)
        {
            var hash = Secrets.Hash(checkInSecret);
            await storage.Table(TableNames.CheckInSecrets).DeleteEntityAsync(hash[..2], hash, ETag.All, cancellationToken);
        }

        return await outbox.EraseAsync(RegistrationMail.PartitionFor(eventId), code + "-", cancellationToken);
    }
}
