using Azure;
using Azure.Data.Tables;
using ForumCloud.Functions.Mail;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace ForumCloud.Functions.Events;

/// <summary>ForumCloud__Registrations__HoldMinutes: how long an anonymous registration holds its place unconfirmed (default 30).</summary>
public sealed class HoldOptions
{
    public TimeSpan Hold { get; init; } = TimeSpan.FromMinutes(30);

    public static HoldOptions FromConfiguration(IConfiguration? configuration)
    {
        var text = configuration?[SettingNames.ConfigKey(SettingNames.RegistrationHoldMinutes)];
        if (string.IsNullOrWhiteSpace(text)) return new HoldOptions();
        return int.TryParse(text, out var minutes) && minutes is > 0 and <= 7 * 24 * 60
            ? new HoldOptions { Hold = TimeSpan.FromMinutes(minutes) }
            : throw new InvalidOperationException($"The app setting {SettingNames.RegistrationHoldMinutes} must be a number of minutes between 1 and 10080.");
    }
}

/// <summary>The 202 answer to an anonymous registration: the same for a new and an already registered address.</summary>
public sealed record HoldReceipt(string Status, DateTimeOffset ExpiresAt)
{
    public const string PendingConfirmation = "pending-confirmation";
}

/// <summary>The body of POST /api/registrations/confirm.</summary>
public sealed record ConfirmRequest(string? Token);

/// <summary>
/// Anonymous registrations (double opt-in). A hold is a registration row with Status PendingConfirmation that occupies a
/// seat or waitlist place in the ledger (written by the seat allocator in the same transaction as the ledger); its
/// confirmation link carries "{code}.{secret}" and the row keeps only the secret's hash. Confirming turns the hold into
/// the place it held; an unconfirmed hold is released by a HoldExpired change sent with a visibility delay (and by the
/// sweep, should that message be lost): the release is one ETag-guarded transaction of ledger, row and email guard, so
/// a second delivery finds the row cancelled and does nothing, and the waitlist is filled only into seats free now.
/// </summary>
public sealed class RegistrationHolds(
    StorageAccount storage, SeatAllocator allocator, RegistrationChanges changes, MailOutbox outbox, MailSettings mail, HoldOptions options, TimeProvider time, ILogger<RegistrationHolds> logger)
{
    /// <summary>At most one "already registered" mail per address and event in this time.</summary>
    public static readonly TimeSpan MailThrottle = TimeSpan.FromMinutes(10);

    private TableClient Table => storage.Table(TableNames.ForumEvents);

    /// <summary>
    /// Holds a place and mails the link; for an address already registered, mails its owner instead (throttled) and
    /// answers the same. Other refusals (closed, full waitlist, unknown event) are thrown as for any registration.
    /// </summary>
    public async Task<HoldReceipt> PlaceAsync(string eventId, Attendee attendee, CancellationToken cancellationToken)
    {
        var secret = Secrets.NewToken();
        var expiresAt = time.GetUtcNow() + options.Hold;
        try
        {
            // The seat lane announces the hold's expiry (one delayed message per batch) and hands back the event row
            // it checked, for the mail; the mail is group-committed with other single mails (MailOutbox.QueueAsync).
            var allocation = await allocator.AllocateAsync(new SeatRequest(eventId, attendee, "", null) { Hold = new SeatHold(Secrets.Hash(secret), expiresAt) });
            var eventRow = allocation.Event ?? await EventRowAsync(eventId, cancellationToken);
            await outbox.QueueAsync(HoldMail.Link(eventRow, allocation.Code, HoldMail.LinkRow(allocation.Code), attendee.Email, attendee.Name,
                attendee.Language, LinkFor(allocation.Code, secret), expiresAt), cancellationToken);
        }
        catch (DuplicateEmailProblem)
        {
            // A known address already costs more round trips than a new one (its guard, the throttle's outbox rows, its
            // registration); reading the event row for its mail here adds one to those.
            await AnswerExistingAsync(await EventRowAsync(eventId, cancellationToken), attendee, cancellationToken);
        }

        return new HoldReceipt(HoldReceipt.PendingConfirmation, BeijingTime.Local(expiresAt));
    }

    private async Task<EventRow> EventRowAsync(string eventId, CancellationToken cancellationToken) =>
        (await Table.GetEntityIfExistsAsync<EventRow>(eventId, EventKeys.Event, cancellationToken: cancellationToken)).Value
            ?? throw ProblemException.NotFound("No event has that id.");

    public Uri LinkFor(string code, string secret) => new(mail.PublicBaseUrl, $"api/confirm?token={Uri.EscapeDataString(code + "." + secret)}");

    /// <summary>
    /// The address has a registration here: its owner is told (an unconfirmed hold gets a fresh link, a confirmed one its
    /// manage link), at most once per <see cref="MailThrottle"/>. The caller learns nothing.
    /// </summary>
    private async Task AnswerExistingAsync(EventRow eventRow, Attendee attendee, CancellationToken cancellationToken)
    {
        var eventId = eventRow.PartitionKey;
        var guard = await Table.GetEntityIfExistsAsync<EmailGuardRow>(eventId, EventKeys.EmailGuard(eventId, attendee.Email), cancellationToken: cancellationToken);
        if (!guard.HasValue) return; // cancelled meanwhile: nothing to tell
        var code = guard.Value!.Code;
        var now = time.GetUtcNow();
        var bucket = now.UtcTicks / MailThrottle.Ticks;
        var (current, previous) = (HoldMail.AgainRow(code, bucket), HoldMail.AgainRow(code, bucket - 1));
        var partition = RegistrationMail.PartitionFor(eventId);
        var currentMail = outbox.FindAsync(new OutboxKey(partition, current), cancellationToken);
        var previousMail = outbox.FindAsync(new OutboxKey(partition, previous), cancellationToken);
        if (await currentMail is not null || (await previousMail is { } last && now - last.CreatedAt < MailThrottle)) return;

        var row = await Table.GetEntityIfExistsAsync<RegistrationRow>(eventId, EventKeys.Registration(code), cancellationToken: cancellationToken);
        if (!row.HasValue) return;
        var registration = row.Value!;
        if (registration.StatusValue == RegistrationStatus.PendingConfirmation)
        {
            // The first link's secret exists only in that mail: a fresh one replaces it (the old link stops working).
            var secret = Secrets.NewToken();
            registration.ConfirmTokenHash = Secrets.Hash(secret);
            try
            {
                await Table.UpdateEntityAsync(registration, registration.ETag, TableUpdateMode.Replace, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status is 412 or 404)
            {
                return; // confirmed, released or re-linked at this moment: that answer stands
            }

            await outbox.QueueAsync(HoldMail.Link(eventRow, code, current, registration.Email, registration.Name, MailLanguageOf(registration), LinkFor(code, secret),
                registration.HoldExpiresAt ?? now), cancellationToken);
            return;
        }

        if (registration.StatusValue == RegistrationStatus.Cancelled) return;
        await outbox.QueueAsync(HoldMail.AlreadyRegistered(eventRow, code, current, registration.Email, registration.Name, MailLanguageOf(registration),
            new Uri(mail.PublicBaseUrl, $"api/registrations/{code}")), cancellationToken);
    }

    /// <summary>Turns a hold into the place it held: 200 with the code and a manage token (shown once); refused links change nothing.</summary>
    public async Task<RegistrationReceipt> ConfirmAsync(ConfirmRequest body, CancellationToken cancellationToken)
    {
        var (code, secret) = ParseToken(body.Token);
        for (var attempt = 0; ; attempt++)
        {
            var row = await RegistrationDesk.FindAsync(storage, code, cancellationToken);
            if (row?.ConfirmTokenHash is not { } hash || !Secrets.Matches(secret, hash)) throw InvalidLink();
            var status = row.StatusValue;
            if (status == RegistrationStatus.Cancelled) throw Gone("This registration's hold was released or cancelled before it was confirmed; register again if seats are left.");
            if (status != RegistrationStatus.PendingConfirmation) throw Gone("This confirmation link was already used; the registration is confirmed. Use your manage token to view or cancel it.");
            var now = time.GetUtcNow();
            if (row.HoldExpiresAt is { } expires && now >= expires) throw Gone("This confirmation link has expired and the place is released; register again if seats are left.");

            var manageToken = Secrets.NewToken();
            var place = StoredEnum.ReadOptional<RegistrationStatus>(row.HeldPlace) ?? RegistrationStatus.Confirmed;
            row.Status = StoredEnum.Write(place);
            row.ManageTokenHash = Secrets.Hash(manageToken);
            row.HoldExpiresAt = null;
            row.ConfirmedAt = place == RegistrationStatus.Confirmed ? now : null;
            var kind = place == RegistrationStatus.Confirmed ? RegistrationChangeKind.Confirmed : RegistrationChangeKind.Waitlisted;
            row.MarkPending(kind, now);
            try
            {
                await Table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status == 412 && attempt < 20)
            {
                continue; // released or re-linked at this moment: read again and answer for what is there now
            }

            int? position = place == RegistrationStatus.Waitlisted ? await WaitlistPositionAsync(row, cancellationToken) : null;
            // A waitlisted place confirmed while seats were freed: SeatsAdded lets the handler promote (only into free seats).
            await changes.PublishAfterCommitAsync(new RegistrationChange(row.PartitionKey, place == RegistrationStatus.Confirmed
                ? [new ChangedRegistration(kind, code)]
                : [new ChangedRegistration(kind, code, position), new ChangedRegistration(RegistrationChangeKind.SeatsAdded)]));
            return new RegistrationReceipt(code, manageToken, place, position, row.PartitionKey);
        }
    }

    /// <summary>
    /// Releases an unconfirmed hold whose time is up (the HoldExpired handler and the sweep). Idempotent: a confirmed or
    /// already released row is left alone; a hold not yet due is sent again for its remaining time. True when released.
    /// </summary>
    public async Task<bool> ReleaseAsync(string eventId, string code, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var found = await Table.GetEntityIfExistsAsync<RegistrationRow>(eventId, EventKeys.Registration(code), cancellationToken: cancellationToken);
            if (!found.HasValue || found.Value!.StatusValue != RegistrationStatus.PendingConfirmation) return false;
            var row = found.Value;
            var now = time.GetUtcNow();
            if (row.HoldExpiresAt is { } due && due > now)
            {
                await changes.PublishAfterCommitAsync(RegistrationChange.Of(eventId, RegistrationChangeKind.HoldExpired, code), due - now + TimeSpan.FromSeconds(1));
                return false;
            }

            var ledger = (await Table.GetEntityAsync<SeatLedgerRow>(eventId, EventKeys.Ledger, cancellationToken: cancellationToken)).Value;
            if (StoredEnum.Is(row.HeldPlace, RegistrationStatus.Waitlisted)) ledger.Waitlisted--;
            else ledger.Confirmed--;
            row.Status = StoredEnum.Write(RegistrationStatus.Cancelled);
            row.CancelledAt = now;
            try
            {
                await Table.SubmitTransactionAsync(
                [
                    new TableTransactionAction(TableTransactionActionType.UpdateReplace, ledger, ledger.ETag),
                    new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, row.ETag),
                    new TableTransactionAction(TableTransactionActionType.Delete, new EmailGuardRow { PartitionKey = eventId, RowKey = EventKeys.EmailGuard(eventId, row.Email) }, ETag.All),
                ], cancellationToken);
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 412)
            {
                await Task.Delay(Random.Shared.Next(1, 20), cancellationToken);
                continue;
            }

            if (await Table.GetEntityIfExistsAsync<EventRow>(eventId, EventKeys.Event, cancellationToken: cancellationToken) is { HasValue: true } eventRow)
            {
                await outbox.QueueAsync(HoldMail.Expired(eventRow.Value!, code, row.Email, row.Name, MailLanguageOf(row)), cancellationToken);
            }

            logger.LogInformation("Released the unconfirmed hold {Code} of {EventId}", code, eventId);
            return true;
        }

        throw new InvalidOperationException($"Could not release hold {code} of {eventId}: the ledger kept changing.");
    }

    /// <summary>Holds past their time by more than a minute (their message lost): released here. Returns the events touched.</summary>
    public async Task<IReadOnlySet<string>> SweepExpiredAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - TimeSpan.FromMinutes(1);
        var released = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var eventId in CatalogRow.EventIdsAsync(storage, cancellationToken))
        {
            var filter = $"{EventKeys.RegistrationsOf(eventId)} and {StoredEnum.Equal(nameof(RegistrationRow.Status), RegistrationStatus.PendingConfirmation)} and {TableClient.CreateQueryFilter($"HoldExpiresAt le {cutoff}")}";
            await foreach (var row in Table.QueryAsync<TableEntity>(filter, select: ["Code"], cancellationToken: cancellationToken))
            {
                if (row.GetString("Code") is { Length: > 0 } code && await ReleaseAsync(eventId, code, cancellationToken)) released.Add(eventId);
            }
        }

        return released;
    }

    /// <summary>The place's position now, from the ledger's waitlist map (one point read, no scan).</summary>
    private async Task<int?> WaitlistPositionAsync(RegistrationRow row, CancellationToken cancellationToken)
    {
        var ledger = await Table.GetEntityIfExistsAsync<SeatLedgerRow>(row.PartitionKey, EventKeys.Ledger, cancellationToken: cancellationToken);
        return ledger.HasValue ? WaitlistMap.Of(ledger.Value!).PositionOf(row.WaitlistNumber) : null;
    }

    private static (string Code, string Secret) ParseToken(string? token)
    {
        var text = token?.Trim() ?? "";
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (text.Length is 0 or > 200 || dot <= 0 || dot == text.Length - 1 || !RegistrationCodes.IsWellFormed(text[..dot]))
        {
            throw ProblemException.Validation(new Dictionary<string, string[]> { ["token"] = ["The token from the confirmation link is required, as it appears after ?token=."] });
        }

        return (text[..dot], text[(dot + 1)..]);
    }

    private static ProblemException InvalidLink() =>
        new(400, "The confirmation link is not valid.", "This link does not match a registration waiting for confirmation; use the newest link you were mailed.");

    private static ProblemException Gone(string detail) => new(410, "The confirmation link can no longer be used.", detail);

    public static MailLanguage? MailLanguageOf(RegistrationRow row) =>
        row.Language is { } l && ApiEnum.TryParse<MailLanguage>(l, out var parsed) ? parsed : null;
}

/// <summary>How a hold is written into the row the allocator adds.</summary>
public static class HeldRows
{
    public static RegistrationRow WithHold(this RegistrationRow row, SeatHold? hold, RegistrationStatus place)
    {
        if (hold is null) return row;
        row.HeldPlace = StoredEnum.Write(place);
        row.Status = StoredEnum.Write(RegistrationStatus.PendingConfirmation);
        row.HoldExpiresAt = hold.ExpiresAt;
        row.ConfirmTokenHash = hold.ConfirmTokenHash;
        row.ConfirmedAt = null;
        return row;
    }
}
