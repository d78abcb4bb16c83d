using Microsoft.Extensions.Configuration;
using System.Text;
using ForumCloud.Functions.Events;
using ForumCloud.Functions.Platform;

namespace ForumCloud.Tests.Events;

public sealed class EventsUnitTests
{
    [Fact]
    public void Registration_codes_use_only_the_unambiguous_alphabet()
    {
        var codes = Enumerable.Range(0, 2000).Select(_ => RegistrationCodes.New()).ToList();
        Assert.All(codes, c => Assert.Equal(8, c.Length));
        Assert.All(codes, c => Assert.DoesNotContain(c, ch => "0O1I".Contains(ch) || !RegistrationCodes.Alphabet.Contains(ch)));
        Assert.True(codes.Distinct().Count() > 1990);
    }

    [Fact]
    public void The_codes_of_one_batch_share_their_index_partition_and_differ()
    {
        var codes = RegistrationCodes.NewBatch(30);
        Assert.Equal(30, codes.Distinct().Count());
        Assert.Single(codes.Select(RegistrationCodes.PartitionOf).Distinct());
        Assert.All(codes, c => Assert.Equal(c, RegistrationCodes.Require(c)));
    }

    [Theory]
    [InlineData("abcdefgh", "ABCDEFGH")]
    [InlineData(" ABCDEFGH ", "ABCDEFGH")]
    public void A_code_from_a_route_is_normalised(string raw, string expected) => Assert.Equal(expected, RegistrationCodes.Require(raw));

    [Theory]
    [InlineData("ABCDEFG0")]
    [InlineData("ABCDEFGI")]
    [InlineData("ABCDEFG")]
    [InlineData("ABCDEFGHJ")]
    [InlineData("ABC/EFGH")]
    [InlineData("")]
    public void A_malformed_code_is_not_found(string raw) => Assert.Equal(404, Assert.Throws<ProblemException>(() => RegistrationCodes.Require(raw)).Status);

    // A possible formula gets an apostrophe in front and, in RFC 4180 mode, quotes (CsvHelper's CsvInjection.Escape).
    [Theory]
    [InlineData("=HYPERLINK(\"http://evil\")", "\"'=HYPERLINK(\"\"http://evil\"\")\"")]
    [InlineData("+49 30 1234", "\"'+49 30 1234\"")]
    [InlineData("-2+3", "\"'-2+3\"")]
    [InlineData("@SUM(A1)", "\"'@SUM(A1)\"")]
    [InlineData("\tcmd", "\"'\tcmd\"")]
    [InlineData("\rcmd", "\"'\rcmd\"")]
    [InlineData("Smith, John", "\"Smith, John\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("张伟", "张伟")]
    [InlineData("a=b", "a=b")]
    public void Csv_cells_are_quoted_per_RFC_4180_and_formulas_neutralised(string value, string expected)
    {
        var bytes = RegistrationCsv.Write([new RegistrationListItem("ABCDEFGH", RegistrationStatus.Confirmed, null, value, "a@example.org", "Org", "DE", null, null,
            DateTimeOffset.Parse("2027-01-10T09:00:00+08:00"), null, null)]);
        var row = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", 2)[1];
        Assert.Equal($"ABCDEFGH,confirmed,,{expected},a@example.org,Org,DE,,,2027-01-10T09:00:00+08:00,,\r\n", row);
    }

    [Fact]
    public void The_csv_is_utf8_with_a_bom_and_crlf_rows()
    {
        var bytes = RegistrationCsv.Write([new RegistrationListItem("ABCDEFGH", RegistrationStatus.Waitlisted, 3, "李雷", "li@example.cn", "=cmd|' /C calc'!A0", "CN", null, null,
            DateTimeOffset.Parse("2027-01-10T09:00:00+08:00"), null, null)]);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var text = Encoding.UTF8.GetString(bytes[3..]);
        var lines = text.Split("\r\n");
        Assert.Equal(3, lines.Length); // header, row, and the empty string after the final CRLF
        Assert.StartsWith("code,status,waitlistPosition,name,email", lines[0]);
        Assert.Equal("ABCDEFGH,waitlisted,3,李雷,li@example.cn,\"'=cmd|' /C calc'!A0\",CN,,,2027-01-10T09:00:00+08:00,,", lines[1]);
        Assert.Equal("", lines[2]);
    }

    [Fact]
    public void A_sealed_token_opens_only_with_the_same_idempotency_key_and_event()
    {
        var seal = new TokenSeal(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var sealedToken = seal.Seal("secret-token", "zgc-forum", "key-1");
        Assert.DoesNotContain("secret-token", sealedToken);
        Assert.Equal("secret-token", seal.Open(sealedToken, "zgc-forum", "key-1"));
        Assert.Null(seal.Open(sealedToken, "zgc-forum", "key-2"));
        Assert.Null(seal.Open(sealedToken, "other-event", "key-1"));
    }

    [Fact]
    public void A_sealed_token_needs_the_server_secret_not_only_the_key_and_the_event()
    {
        // Someone who guesses the Idempotency-Key and reads the row still lacks the server's secret.
        var sealedToken = new TokenSeal(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)).Seal("secret-token", "zgc-forum", "key-1");
        Assert.Null(new TokenSeal(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)).Open(sealedToken, "zgc-forum", "key-1"));
    }

    [Fact]
    public void Without_a_seal_setting_the_app_refuses_to_start_in_Azure_and_generates_one_locally()
    {
        var azure = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["WEBSITE_SITE_NAME"] = "forumcloud-prod" }).Build();
        var refusal = Assert.Throws<InvalidOperationException>(() => TokenSeal.FromConfiguration(azure));
        Assert.Contains("ForumCloud__Secrets__IdempotencySeal", refusal.Message);

        var local = TokenSeal.FromConfiguration(new ConfigurationBuilder().Build());
        Assert.Equal("t", local.Open(local.Seal("t", "e", "k"), "e", "k"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space inside the key")]
    [InlineData("ключ-ключ-ключ-ключ")]
    public void Idempotency_keys_must_be_visible_ascii(string key) => Assert.Equal(400, Assert.Throws<ProblemException>(() => Attendee.IdempotencyKey(key)).Status);

    [Fact]
    public void Idempotency_keys_are_16_to_200_characters()
    {
        Assert.Equal(new string('k', 200), Attendee.IdempotencyKey(new string('k', 200)));
        Assert.Equal(new string('k', 16), Attendee.IdempotencyKey(new string('k', 16)));
        Assert.Throws<ProblemException>(() => Attendee.IdempotencyKey(new string('k', 201)));
        Assert.Throws<ProblemException>(() => Attendee.IdempotencyKey(new string('k', 15)));
        Assert.Null(Attendee.IdempotencyKey(null));
    }

    [Fact]
    public void The_email_guard_key_ignores_case_and_spaces_and_hides_the_address()
    {
        var key = EventKeys.EmailGuard("zgc-forum", "Ada@Example.org");
        Assert.Equal(key, EventKeys.EmailGuard("zgc-forum", "  ada@example.ORG "));
        Assert.NotEqual(key, EventKeys.EmailGuard("other-forum", "ada@example.org"));
        Assert.DoesNotContain("example", key, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void An_event_body_reports_every_bad_field()
    {
        var problem = Assert.Throws<ProblemException>(() => ForumEvent.From(new EventRequest("Bad/Id", "", null, "2027-03-25T09:00:00+08:00", "2027-03-25T08:00:00+08:00",
            "Hall", ["zh", "not a tag"], 0, "2027-03-20T09:00:00", "2027-03-01T09:00:00+08:00", EventStatus.Published)));
        Assert.Equal(400, problem.Status);
        foreach (var field in new[] { "eventId", "title", "track", "endsAt", "languages[1]", "capacity", "registrationOpensAt" })
        {
            Assert.True(problem.Errors!.ContainsKey(field), $"missing error for {field}: {string.Join(", ", problem.Errors.Keys)}");
        }
    }

    [Fact]
    public void Events_are_shown_in_Beijing_time()
    {
        var e = ForumEvent.From(new EventRequest("zgc-test", "T", EventTrack.Plenary, "2027-03-25T01:00:00Z", "2027-03-25T04:00:00Z", "Hall", ["zh"], 5,
            "2027-01-10T01:00:00Z", "2027-03-20T10:00:00Z", EventStatus.Published));
        var view = EventView.Of(e, new SeatCounts(5, 2, 0), DateTimeOffset.Parse("2027-02-01T00:00:00Z"));
        Assert.Equal(TimeSpan.FromHours(8), view.StartsAt.Offset);
        Assert.Equal(9, view.StartsAt.Hour);
        Assert.Equal(3, view.SeatsLeft);
        Assert.True(view.RegistrationOpen);
        Assert.False(e.IsRegistrationOpen(DateTimeOffset.Parse("2027-03-20T10:00:00Z")));
    }

    [Fact]
    public void Event_filters_accept_kebab_tracks_and_dates_in_Beijing()
    {
        var (track, from, to) = EventFilters.Parse("technology-trading", "2027-03-25", "2027-03-26T00:00:00+08:00");
        Assert.Equal(EventTrack.TechnologyTrading, track);
        Assert.Equal(DateTimeOffset.Parse("2027-03-25T00:00:00+08:00"), from);
        Assert.Equal(DateTimeOffset.Parse("2027-03-26T00:00:00+08:00"), to);
        Assert.Equal(400, Assert.Throws<ProblemException>(() => EventFilters.Parse("keynote", null, null)).Status);
        Assert.Equal(400, Assert.Throws<ProblemException>(() => EventFilters.Parse(null, "yesterday", null)).Status);
    }
}
