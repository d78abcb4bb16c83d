using ForumCloud.Functions.Events;
using ForumCloud.Functions.Mail;
using ForumCloud.Functions.Platform;
using ForumCloud.Tests.Infrastructure;
using Ical.Net.CalendarComponents;
using Microsoft.Extensions.Logging.Abstractions;
using MimeKit;

namespace ForumCloud.Tests.Mail;

/// <summary>
/// Every message kind, rendered from its templates, queued in the real outbox (Azurite) and delivered over SMTP to a
/// real server (the in-process test mailbox): the received MIME is read back part by part.
/// </summary>
public sealed class MailMessageTests
{
    private static readonly DateTimeOffset Start = new(2027, 3, 28, 14, 0, 0, TimeSpan.FromHours(8));

    public static TheoryData<RegistrationChangeKind, string, bool, string?> Kinds => new()
    {
        { RegistrationChangeKind.Confirmed, "Registration confirmed", true, "REQUEST" },
        { RegistrationChangeKind.Waitlisted, "On the waitlist", false, null },
        { RegistrationChangeKind.Promoted, "A seat is yours", true, "REQUEST" },
        { RegistrationChangeKind.Cancelled, "Registration cancelled", false, "CANCEL" },
        { RegistrationChangeKind.CheckedIn, "Welcome to", false, null },
        { RegistrationChangeKind.EventChanged, "Changed", true, "REQUEST" },
        { RegistrationChangeKind.EventCancelled, "Cancelled by the organisers", false, "CANCEL" },
        { RegistrationChangeKind.Reminder, "Tomorrow", true, null },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Each_kind_arrives_with_its_subject_text_and_html_and_its_qr_and_invite(RegistrationChangeKind kind, string subject, bool qr, string? method)
    {
        var (registration, eventRow) = Sample(kind == RegistrationChangeKind.Waitlisted ? RegistrationStatus.Waitlisted : RegistrationStatus.Confirmed);
        var mail = await SendAsync(RegistrationMail.For(kind, registration, eventRow, new Uri("https://forum.test/"), kind == RegistrationChangeKind.Waitlisted ? 3 : null));

        Assert.Equal(registration.Email, mail.To.Mailboxes.Single().Address);
        Assert.Equal("Ada Lovelace", mail.To.Mailboxes.Single().Name);
        Assert.Contains(subject, mail.Subject);
        Assert.Contains("|", mail.Subject); // no language given: Chinese and English in one message
        Assert.Equal("forum@forum.test", mail.From.Mailboxes.Single().Address);
        Assert.NotNull(ReceivedMail.Part(mail, "text", "plain"));
        Assert.NotNull(ReceivedMail.Part(mail, "text", "html"));
        Assert.Contains(registration.Code, mail.TextBody);
        Assert.Contains(registration.Code, mail.HtmlBody);
        if (kind is not (RegistrationChangeKind.CheckedIn))
        {
            Assert.Contains("Sunday, 28 March 2027, 14:00 – 17:00 (Beijing time, UTC+8)", mail.TextBody);
            Assert.Contains("2027年3月28日（星期日）14:00 至 17:00（北京时间）", mail.TextBody);
        }

        if (kind == RegistrationChangeKind.Waitlisted) Assert.Contains("position 3", mail.TextBody);

        if (qr)
        {
            Assert.Equal(registration.CheckInSecret, ReceivedMail.DecodeQr(mail));
            Assert.Contains("cid:" + CheckInQr.ContentId, mail.HtmlBody);
        }
        else
        {
            Assert.Null(ReceivedMail.Part(mail, "image", "png"));
        }

        if (method is null)
        {
            Assert.Null(ReceivedMail.Part(mail, "text", "calendar"));
            return;
        }

        Assert.Equal(method, ReceivedMail.CalendarMethodParameter(mail));
        var calendar = ReceivedMail.Calendar(mail);
        Assert.Equal(method, calendar.Method);
        Assert.Contains(calendar.TimeZones, z => z.TzId == "Asia/Shanghai");
        var entry = Assert.Single(calendar.Events);
        Assert.Equal($"{registration.Code}.{eventRow.PartitionKey}@forumcloud", entry.Uid); // the same entry in every mail of this registration
        Assert.Equal("Asia/Shanghai", entry.DtStart!.TzId);
        Assert.Equal(new DateTime(2027, 3, 28, 14, 0, 0), entry.DtStart.Value);
        Assert.Equal(new DateTime(2027, 3, 28, 17, 0, 0), entry.DtEnd!.Value);
        Assert.Equal(Start.UtcDateTime, entry.DtStart.AsUtc);
        Assert.Equal(method == "CANCEL" ? "CANCELLED" : "CONFIRMED", entry.Status);
        Assert.Equal("Zhongguancun Forum 2027 · Opening", entry.Summary);
    }

    [Fact]
    public async Task An_event_change_updates_the_same_calendar_entry_with_a_higher_sequence()
    {
        var (registration, eventRow) = Sample(RegistrationStatus.Confirmed);
        var confirmed = ReceivedMail.Calendar(await SendAsync(RegistrationMail.For(RegistrationChangeKind.Confirmed, registration, eventRow, new Uri("https://forum.test/")))).Events.Single();
        eventRow.Venue = "China National Convention Center, Hall 2";
        eventRow.StartsAt = Start.AddHours(1);
        eventRow.EndsAt = Start.AddHours(4);
        eventRow.UpdatedAt = DateTimeOffset.UtcNow.AddMinutes(1);
        var changedMail = await SendAsync(RegistrationMail.For(RegistrationChangeKind.EventChanged, registration, eventRow, new Uri("https://forum.test/")));
        var changed = ReceivedMail.Calendar(changedMail).Events.Single();

        Assert.Equal(confirmed.Uid, changed.Uid);
        Assert.True(changed.Sequence > confirmed.Sequence, $"{changed.Sequence} > {confirmed.Sequence}");
        Assert.Equal(new DateTime(2027, 3, 28, 15, 0, 0), changed.DtStart!.Value);
        Assert.Equal("China National Convention Center, Hall 2", changed.Location);
        Assert.Contains("Hall 2", changedMail.TextBody);
    }

    [Fact]
    public async Task One_language_when_the_attendee_chose_one()
    {
        var (registration, eventRow) = Sample(RegistrationStatus.Confirmed);
        registration.Language = "en";
        var english = await SendAsync(RegistrationMail.For(RegistrationChangeKind.Confirmed, registration, eventRow, new Uri("https://forum.test/")));
        Assert.Equal("Registration confirmed: Zhongguancun Forum 2027 · Opening", english.Subject);
        Assert.DoesNotContain("报名", english.TextBody);

        (registration, eventRow) = Sample(RegistrationStatus.Confirmed);
        registration.Language = "zh";
        var chinese = await SendAsync(RegistrationMail.For(RegistrationChangeKind.Confirmed, registration, eventRow, new Uri("https://forum.test/")));
        Assert.StartsWith("报名成功", chinese.Subject);
        Assert.DoesNotContain("Dear", chinese.TextBody);
        Assert.Contains("lang=\"zh\"", chinese.HtmlBody);
    }

    [Fact]
    public async Task A_name_with_line_breaks_reaches_no_header_and_adds_no_recipient()
    {
        var (registration, eventRow) = Sample(RegistrationStatus.Confirmed);
        registration.Name = "Eve\r\nBcc: victim@evil.test\r\nSubject: pwned";
        var mail = await SendAsync(RegistrationMail.For(RegistrationChangeKind.Confirmed, registration, eventRow, new Uri("https://forum.test/")));

        var to = Assert.Single(mail.To.Mailboxes);
        Assert.Equal("Eve Bcc: victim@evil.test Subject: pwned", to.Name);
        Assert.Empty(mail.Bcc);
        Assert.Empty(mail.Cc);
        Assert.Single(mail.Headers, h => h.Id == HeaderId.Subject);
        Assert.DoesNotContain(mail.Headers, h => h.Field.Equals("Bcc", StringComparison.OrdinalIgnoreCase));
        Assert.StartsWith("报名成功", mail.Subject);
        Assert.Empty((await TestMailbox.SharedAsync()).To("victim@evil.test"));
    }

    [Fact]
    public async Task Html_in_a_name_is_escaped_in_the_html_part_and_kept_as_text_in_the_text_part()
    {
        var (registration, eventRow) = Sample(RegistrationStatus.Confirmed);
        registration.Name = "<script>alert('x')</script> & <b>Bob</b>";
        var mail = await SendAsync(RegistrationMail.For(RegistrationChangeKind.Confirmed, registration, eventRow, new Uri("https://forum.test/")));

        Assert.DoesNotContain("<script>", mail.HtmlBody);
        Assert.DoesNotContain("<b>Bob</b>", mail.HtmlBody);
        Assert.Contains("&lt;script&gt;", mail.HtmlBody);
        Assert.Contains("&amp;", mail.HtmlBody);
        Assert.Contains("<script>alert('x')</script> & <b>Bob</b>", mail.TextBody);
    }

    [Fact]
    public async Task A_name_of_200_characters_arrives_whole_in_a_layout_that_wraps_it()
    {
        var (registration, eventRow) = Sample(RegistrationStatus.Confirmed);
        registration.Name = string.Concat(Enumerable.Repeat("Wolfeschlegelsteinhausenbergerdorff", 6))[..200];
        var mail = await SendAsync(RegistrationMail.For(RegistrationChangeKind.Confirmed, registration, eventRow, new Uri("https://forum.test/")));

        Assert.Equal(registration.Name, mail.To.Mailboxes.Single().Name); // folded in the header, whole when read
        Assert.Contains(registration.Name, mail.TextBody);
        Assert.Contains(registration.Name, mail.HtmlBody);
        Assert.Contains("overflow-wrap:anywhere", mail.HtmlBody); // a long word wraps instead of widening the 600 px layout
        Assert.Contains("max-width:600px", mail.HtmlBody);
        using var raw = new MemoryStream();
        mail.WriteTo(raw);
        Assert.All(System.Text.Encoding.UTF8.GetString(raw.ToArray()).Split('\n'), line => Assert.True(line.TrimEnd('\r').Length <= 998, "RFC 5322 line limit"));
    }

    [Fact]
    public void Every_template_parses_and_every_message_template_has_both_languages()
    {
        var names = MailTemplates.Names().ToList();
        foreach (var name in names) Assert.NotNull(MailTemplates.Get(name));
        var messages = names.Where(n => !n.StartsWith("layout.", StringComparison.Ordinal)).Select(n => n[..n.LastIndexOf('.')]).Distinct().ToList();
        Assert.Equal(14, messages.Count); // with the confirm link, already-registered and hold-expired mails, partner- and applicant-verification (issue 12)
        foreach (var message in messages)
        {
            Assert.True(MailTemplates.Exists(message + ".zh") && MailTemplates.Exists(message + ".en"), message);
        }
    }

    /// <summary>Queues the mail in the shared Azurite's outbox, delivers it to the test mailbox, and answers what arrived.</summary>
    internal static async Task<MimeMessage> SendAsync(MailRequest request)
    {
        var storage = await SharedAzurite.StorageAsync();
        var mailbox = await TestMailbox.SharedAsync();
        await new MailOutbox(storage, new NoticeIndex(storage, NullLogger<NoticeIndex>.Instance), TimeProvider.System, NullLogger<MailOutbox>.Instance).QueueAsync(request, CancellationToken.None);
        var delivery = new MailDelivery(storage, new NoticeIndex(storage, NullLogger<NoticeIndex>.Instance), new SmtpMailTransport(mailbox.Settings), mailbox.Settings, new MailDeliveryOptions(), TimeProvider.System, NullLogger<MailDelivery>.Instance);
        var before = mailbox.To(request.To).Count;
        await delivery.DeliverAsync(new MailDue(request.Key.Partition, request.Key.Row), CancellationToken.None);
        return (await mailbox.WaitAsync(request.To, count: before + 1))[^1];
    }

    internal static (RegistrationRow Registration, EventRow Event) Sample(RegistrationStatus status)
    {
        var eventId = Unique.Slug("mail");
        var code = "K7MX" + Random.Shared.Next(1000, 9999).ToString(System.Globalization.CultureInfo.InvariantCulture).Replace('0', 'A').Replace('1', 'B').Replace('2', 'C').Replace('4', 'D').Replace('5', 'E').Replace('6', 'F');
        var registration = new RegistrationRow
        {
            PartitionKey = eventId,
            RowKey = EventKeys.Registration(code),
            Code = code,
            Name = "Ada Lovelace",
            Email = TestMailbox.Address("ada"),
            Organization = "Analytical Engines",
            Country = "GB",
            Status = status.ToString(),
            RegisteredAt = DateTimeOffset.UtcNow,
            CheckedInAt = DateTimeOffset.UtcNow,
            CancelledAt = DateTimeOffset.UtcNow,
            CheckInSecret = CheckInSecrets.New(),
        };
        var eventRow = new EventRow
        {
            PartitionKey = eventId,
            Title = "Zhongguancun Forum 2027 · Opening",
            StartsAt = Start,
            EndsAt = Start.AddHours(3),
            Venue = "Zhongguancun Exhibition Center",
            Status = StoredEnum.Write(EventStatus.Published),
            UpdatedAt = DateTimeOffset.UtcNow.AddMinutes(-5),
        };
        return (registration, eventRow);
    }
}
