namespace ForumCloud.Functions.Filings;

/// <summary>
/// ISO 4217 active currency codes (list one, as amended to 2025: ZWG for ZWL, XCG for ANG, SLE for SLL),
/// without fund codes (BOV, CHE, CHW, CLF, COU, MXV, USN, UYI, UYW), precious metals, SDR, bond-market units
/// and testing codes — none of which prices a technology contract — with each currency's minor units.
/// </summary>
public static class Currencies
{
    private const string Codes =
        "AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF CLP CNY COP CRC " +
        "CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR " +
        "ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK " +
        "MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE " +
        "SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VED VES VND VUV WST XAF XCD XCG XOF " +
        "XPF YER ZAR ZMW ZWG";

    // Minor units other than two (ISO 4217 "minor unit" column).
    private static readonly Dictionary<string, int> NonDecimal = new(StringComparer.Ordinal)
    {
        ["BIF"] = 0, ["CLP"] = 0, ["DJF"] = 0, ["GNF"] = 0, ["ISK"] = 0, ["JPY"] = 0, ["KMF"] = 0, ["KRW"] = 0, ["PYG"] = 0,
        ["RWF"] = 0, ["UGX"] = 0, ["VND"] = 0, ["VUV"] = 0, ["XAF"] = 0, ["XOF"] = 0, ["XPF"] = 0,
        ["BHD"] = 3, ["IQD"] = 3, ["JOD"] = 3, ["KWD"] = 3, ["LYD"] = 3, ["OMR"] = 3, ["TND"] = 3,
    };

    private static readonly HashSet<string> Active = new(Codes.Split(' '), StringComparer.Ordinal);

    public static int Count => Active.Count;

    public static bool IsActive(string code) => Active.Contains(code);

    /// <summary>Decimal places the currency allows (2 unless ISO 4217 says otherwise).</summary>
    public static int MinorUnits(string code) => NonDecimal.TryGetValue(code, out var units) ? units : 2;
}
