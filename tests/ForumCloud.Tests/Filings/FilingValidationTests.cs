using System.Text.Json.Nodes;
using ForumCloud.Functions.Filings;
using ForumCloud.Functions.Platform;

namespace ForumCloud.Tests.Filings;

public sealed class FilingValidationTests
{
    private static readonly DateOnly Today = new(2026, 11, 27);

    [Theory]
    [InlineData("91110108551385082Q")] // Xiaomi
    [InlineData("914403001922038216")] // Huawei Technologies
    [InlineData("91330100716105852F")] // Alibaba (China)
    [InlineData("91110000802100433B")] // Beijing Baidu Netcom
    [InlineData("9144030071526726XG")] // Shenzhen Tencent Computer Systems
    public void Published_codes_of_real_companies_have_a_valid_check_character(string code)
    {
        Assert.Null(UnifiedSocialCreditCode.Problem(code));
        Assert.Equal(code[17], UnifiedSocialCreditCode.CheckCharacter(code.AsSpan(0, 17)));
    }

    [Theory]
    [InlineData("91110108551385082R", "check character")] // Xiaomi's code, last character changed
    [InlineData("914403001922038215", "check character")]
    [InlineData("91110108551385O82Q", "alphabet")] // letter O is not in the alphabet
    [InlineData("91110108551385I82Q", "alphabet")]
    [InlineData("9111010855138508Q", "18 characters")]
    [InlineData("91A10108551385082Q", "administrative division")]
    public void Wrong_codes_are_refused_with_the_reason(string code, string reason) =>
        Assert.Contains(reason, UnifiedSocialCreditCode.Problem(code)!, StringComparison.OrdinalIgnoreCase);

    [Fact]
    public void A_single_changed_character_is_always_caught()
    {
        var code = FilingSamples.PublishedUsccs[1];
        for (var i = 0; i < 17; i++)
        {
            foreach (var c in UnifiedSocialCreditCode.Alphabet.Where(c => c != code[i] && (i is < 2 or >= 8 || char.IsAsciiDigit(c))))
            {
                var changed = code[..i] + c + code[(i + 1)..];
                Assert.False(UnifiedSocialCreditCode.IsValid(changed), changed);
            }
        }
    }

    [Fact]
    public void A_valid_body_becomes_clean_details()
    {
        var body = FilingSamples.Body();
        body["domesticParty"]!["uscc"] = "91110108551385082q";
        body["value"]!["currency"] = "eur";
        var details = FilingValidation.Validate(FilingSamples.Request(body), Today);
        Assert.Equal("91110108551385082Q", details.DomesticParty.Uscc);
        Assert.Equal("EUR", details.Value.Currency);
        Assert.Equal(ContractType.KnowHowLicence, details.Contract.Type);
        Assert.Equal(PaymentMethod.LumpSumAndRoyalty, details.PaymentMethod);
        Assert.Equal(new DateOnly(2026, 3, 2), details.Contract.SignedOn);
    }

    [Theory]
    [InlineData("value.amount", -5)]
    [InlineData("value.amount", 0)]
    [InlineData("value.amount", 1234567890123456)] // 16 digits
    [InlineData("value.amount", 10.555)]
    public void Bad_amounts_are_field_errors(string field, double amount)
    {
        var body = FilingSamples.Body();
        body["value"]!["amount"] = (decimal)amount;
        AssertFieldError(body, field);
    }

    [Fact]
    public void Fifteen_integer_digits_and_two_decimals_are_accepted_and_yen_has_no_decimals()
    {
        var body = FilingSamples.Body();
        body["value"]!["amount"] = 999999999999999.99m;
        Assert.Equal(999999999999999.99m, FilingValidation.Validate(FilingSamples.Request(body), Today).Value.Amount);

        body["value"]!["currency"] = "JPY";
        body["value"]!["amount"] = 1500.5m;
        AssertFieldError(body, "value.amount");
        body["value"]!["amount"] = 1500m;
        Assert.Equal("JPY", FilingValidation.Validate(FilingSamples.Request(body), Today).Value.Currency);
    }

    [Theory]
    [InlineData("XYZ")]
    [InlineData("XAU")] // gold is not a currency to price a contract in
    [InlineData("HRK")] // withdrawn in 2023
    [InlineData("US")]
    public void Unknown_or_inactive_currencies_are_refused(string currency)
    {
        var body = FilingSamples.Body();
        body["value"]!["currency"] = currency;
        AssertFieldError(body, "value.currency");
    }

    [Fact]
    public void Active_currencies_include_the_current_codes()
    {
        foreach (var code in new[] { "CNY", "USD", "EUR", "HKD", "MOP", "TWD", "ZWG", "XCG", "SLE", "VES" }) Assert.True(Currencies.IsActive(code), code);
        Assert.Equal(3, Currencies.MinorUnits("KWD"));
        Assert.Equal(0, Currencies.MinorUnits("KRW"));
    }

    [Theory]
    [InlineData("2026-11-28", true)] // tomorrow in Beijing
    [InlineData("2026-11-27", false)] // today
    [InlineData("1899-12-31", true)]
    [InlineData("2026-02-30", true)]
    [InlineData("27.11.2026", true)]
    public void Signing_dates_in_the_future_or_before_1900_are_refused(string signedOn, bool refused)
    {
        var body = FilingSamples.Body();
        body["contract"]!["signedOn"] = signedOn;
        if (refused) AssertFieldError(body, "contract.signedOn");
        else FilingValidation.Validate(FilingSamples.Request(body), Today);
    }

    [Fact]
    public void Missing_parts_are_each_reported()
    {
        var body = FilingSamples.Body();
        body.Remove("technology");
        body.Remove("value");
        body.Remove("direction");
        body["foreignParty"]!["country"] = "CN";
        var errors = Assert.Throws<ProblemException>(() => FilingValidation.Validate(FilingSamples.Request(body), Today)).Errors!;
        foreach (var field in new[] { "technology", "technology.name", "value", "value.amount", "direction", "foreignParty.country" }) Assert.Contains(field, errors.Keys);
    }

    [Fact]
    public void Unknown_enum_values_do_not_parse()
    {
        var body = FilingSamples.Body();
        body["contract"]!["type"] = "franchise";
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => FilingSamples.Request(body));
    }

    private static void AssertFieldError(JsonObject body, string field)
    {
        var problem = Assert.Throws<ProblemException>(() => FilingValidation.Validate(FilingSamples.Request(body), Today));
        Assert.Equal(400, problem.Status);
        Assert.Contains(field, problem.Errors!.Keys);
    }
}
