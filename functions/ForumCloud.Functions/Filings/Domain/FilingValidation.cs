namespace ForumCloud.Functions.Filings;

/// <summary>
/// Checks a submission and returns the clean filing, or throws one 400 with every field error. Used at
/// submission (nothing is stored or enqueued for a bad body) and again by the queue processor, which
/// treats a stored record that no longer validates as corrupt.
/// </summary>
public static class FilingValidation
{
    public const int MaxIntegerDigits = 15;
    public static readonly DateOnly EarliestSigningDate = new(1900, 1, 1);

    public static FilingDetails Validate(FilingSubmissionRequest request, DateOnly today)
    {
        var errors = FieldErrors.For(request);
        var direction = errors.Enum("direction", request.Direction);
        var paymentMethod = errors.Enum("paymentMethod", request.PaymentMethod);

        var contract = Part(errors, "contract", request.Contract);
        var number = errors.Text("contract.number", contract?.Number, 64);
        var title = errors.Text("contract.title", contract?.Title, 200);
        var signedOn = errors.Date("contract.signedOn", contract?.SignedOn);
        if (signedOn != default)
        {
            if (signedOn > today) errors.Add("contract.signedOn", "Must not be in the future (Beijing time).");
            else if (signedOn < EarliestSigningDate) errors.Add("contract.signedOn", "Must not be before 1900-01-01.");
        }

        var type = errors.Enum("contract.type", contract?.Type);

        var domestic = Part(errors, "domesticParty", request.DomesticParty);
        var domesticName = errors.Text("domesticParty.name", domestic?.Name, 200);
        var uscc = errors.Text("domesticParty.uscc", domestic?.Uscc, 18).ToUpperInvariant();
        if (uscc.Length > 0 && UnifiedSocialCreditCode.Problem(uscc) is { } usccProblem) errors.Add("domesticParty.uscc", usccProblem);

        var foreign = Part(errors, "foreignParty", request.ForeignParty);
        var foreignName = errors.Text("foreignParty.name", foreign?.Name, 200);
        var country = errors.Country("foreignParty.country", foreign?.Country);
        if (country == "CN") errors.Add("foreignParty.country", "The foreign party is outside the Chinese mainland (HK, MO and TW are accepted).");

        var technology = Part(errors, "technology", request.Technology);
        var technologyName = errors.Text("technology.name", technology?.Name, 200);
        var field = errors.Text("technology.field", technology?.Field, 100);
        var description = errors.LongText("technology.description", technology?.Description, 4000);

        var value = Part(errors, "value", request.Value);
        var currency = errors.Text("value.currency", value?.Currency, 3).ToUpperInvariant();
        if (currency.Length > 0 && !Currencies.IsActive(currency)) errors.Add("value.currency", "Not an active ISO 4217 currency code (for example CNY, USD, EUR).");
        var amount = Amount(errors, value?.Amount, Currencies.IsActive(currency) ? Currencies.MinorUnits(currency) : 2);

        errors.ThrowIfAny();
        return new FilingDetails(
            direction,
            new ContractDetails(number, title, signedOn, type),
            new DomesticPartyDetails(domesticName, uscc),
            new ForeignPartyDetails(foreignName, country),
            new TechnologyDetails(technologyName, field, description),
            new ValueDetails(amount, currency),
            paymentMethod);
    }

    /// <summary>The request a stored filing would have come from (to check a stored record again).</summary>
    public static FilingSubmissionRequest RequestOf(FilingDetails d) => new(
        d.Direction,
        new ContractRequest(d.Contract.Number, d.Contract.Title, d.Contract.SignedOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), d.Contract.Type),
        new DomesticPartyRequest(d.DomesticParty.Name, d.DomesticParty.Uscc),
        new ForeignPartyRequest(d.ForeignParty.Name, d.ForeignParty.Country),
        new TechnologyRequest(d.Technology.Name, d.Technology.Field, d.Technology.Description),
        new ValueRequest(d.Value.Amount, d.Value.Currency),
        d.PaymentMethod);

    private static T? Part<T>(FieldErrors errors, string field, T? part)
        where T : class
    {
        if (part is null) errors.Add(field, "Required.");
        return part;
    }

    private static decimal Amount(FieldErrors errors, decimal? amount, int minorUnits)
    {
        if (amount is not { } value)
        {
            errors.Add("value.amount", "Required.");
            return 0;
        }

        if (value <= 0) errors.Add("value.amount", "Must be greater than zero.");
        else if (decimal.Truncate(value) >= Pow10(MaxIntegerDigits)) errors.Add("value.amount", $"At most {MaxIntegerDigits} digits before the decimal point.");
        else if (decimal.Round(value, minorUnits) != value) errors.Add("value.amount", $"At most {minorUnits} decimal places for this currency.");
        return value;
    }

    private static decimal Pow10(int exponent)
    {
        var result = 1m;
        for (var i = 0; i < exponent; i++) result *= 10;
        return result;
    }
}
