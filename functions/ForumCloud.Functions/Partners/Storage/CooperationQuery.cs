using System.Globalization;
using System.Runtime.CompilerServices;
using Azure.Data.Tables;

namespace ForumCloud.Functions.Partners;

/// <summary>The staff query's filters, as read from the query string.</summary>
public sealed record CooperationFilter(
    CooperationStatus? Status = null,
    string? Country = null,
    CooperationType? Type = null,
    string? PartnerId = null,
    int? ExpiringWithinDays = null)
{
    /// <summary>Reads the query string; an unknown value joins <paramref name="errors"/> (a 400 once the caller has read the paging too), never silently ignored.</summary>
    public static CooperationFilter Parse(FieldErrors errors, string? status, string? country, string? type, string? partnerId, string? expiringWithinDays)
    {
        var parsedStatus = errors.OptionalEnum<CooperationStatus>("status", status);

        string? parsedCountry = null;
        if (!string.IsNullOrEmpty(country)) parsedCountry = errors.Country("country", country);

        var parsedType = errors.OptionalEnum<CooperationType>("type", type);

        if (!string.IsNullOrEmpty(partnerId) && !PartnerRegistry.PartnerIds.IsValid(partnerId)) errors.Add("partnerId", "Not a partner id (par_ and 20 characters).");

        int? days = null;
        if (!string.IsNullOrEmpty(expiringWithinDays))
        {
            if (int.TryParse(expiringWithinDays, NumberStyles.None, CultureInfo.InvariantCulture, out var d) && d is >= 0 and <= 3660) days = d;
            else errors.Add("expiringWithinDays", "Must be a whole number of days from 0 to 3660.");
        }

        return new CooperationFilter(parsedStatus, parsedCountry, parsedType, string.IsNullOrEmpty(partnerId) ? null : partnerId, days);
    }

    /// <summary>What a continuation token is bound to: the filters as the client gave them (not today's date).</summary>
    public string Fingerprint() => string.Join('\u001f', "cooperations", Status is { } s ? ApiEnum.Name(s) : "", Country ?? "",
        Type is { } t ? ApiEnum.Name(t) : "", PartnerId ?? "", ExpiringWithinDays?.ToString(CultureInfo.InvariantCulture) ?? "");

    /// <summary>
    /// The OData filter, every value passed through <see cref="TableClient.CreateQueryFilter(FormattableString)"/>.
    /// An expiry window without a status means the live agreements (signed or active): a completed or
    /// terminated agreement does not "expire".
    /// </summary>
    public string ToODataFilter(DateOnly today)
    {
        var clauses = new List<string> { "RowKey eq {0}" };
        var values = new List<object?> { CooperationRows.RecordRow };

        void Add(string clause, params object?[] args)
        {
            // The clause text is a constant from this method; only the values are interpolated, by CreateQueryFilter.
            var offset = values.Count;
            clauses.Add(string.Format(CultureInfo.InvariantCulture, clause, args.Select((_, i) => (object)$"{{{offset + i}}}").ToArray()));
            values.AddRange(args);
        }

        if (Status is { } status) Add("Status eq {0}", ApiEnum.Name(status));
        else if (ExpiringWithinDays is not null) Add("(Status eq {0} or Status eq {1})", ApiEnum.Name(CooperationStatus.Signed), ApiEnum.Name(CooperationStatus.Active));
        if (Country is { } country) Add("Country eq {0}", country);
        if (Type is { } type) Add("Type eq {0}", ApiEnum.Name(type));
        if (PartnerId is { } partnerId) Add("PartnerId eq {0}", partnerId);
        if (ExpiringWithinDays is { } days)
        {
            Add("EndDate ge {0} and EndDate le {1}", CooperationRows.DateText(today), CooperationRows.DateText(today.AddDays(days)));
        }

        return TableClient.CreateQueryFilter(FormattableStringFactory.Create(string.Join(" and ", clauses), values.ToArray()));
    }
}

/// <summary>A record as the staff list shows it (without its history).</summary>
public sealed record CooperationSummary(
    string CooperationId,
    string PartnerId,
    string Country,
    RegionCategory RegionCategory,
    string Title,
    CooperationType Type,
    IReadOnlyList<string> Fields,
    ZgcPark? ZgcPark,
    DateOnly StartDate,
    DateOnly? EndDate,
    CooperationStatus Status,
    int Version,
    DateTimeOffset UpdatedAt)
{
    public static CooperationSummary Of(Cooperation c) => new(c.CooperationId, c.PartnerId, c.Country, c.RegionCategory, c.Title, c.Type, c.Fields,
        c.ZgcPark, c.StartDate, c.EndDate, c.Status, c.Version, c.UpdatedAt);
}

/// <summary>The staff query over cooperation records, paged with continuation tokens.</summary>
public sealed class CooperationQuery(StorageAccount storage, TimeProvider clock)
{
    // The table service may answer a filtered query with short (even empty) pages; a few more
    // requests fill the page, and the scan stops after this many so one call stays bounded.
    private const int MaxRequestsPerPage = 10;

    public async Task<Page<CooperationSummary>> ListAsync(CooperationFilter filter, int pageSize, string? continuation, CancellationToken cancellationToken)
    {
        var fingerprint = filter.Fingerprint();
        var tableToken = ContinuationToken.Decode(continuation, fingerprint);
        var odata = filter.ToODataFilter(BeijingTime.Today(clock));
        var table = storage.Table(TableNames.Cooperations);

        var items = new List<CooperationSummary>(pageSize);
        for (var request = 0; request < MaxRequestsPerPage && items.Count < pageSize; request++)
        {
            var page = await table.QueryAsync<TableEntity>(odata, maxPerPage: pageSize - items.Count, cancellationToken: cancellationToken)
                .AsPages(tableToken, pageSize - items.Count)
                .FirstAsync(cancellationToken);
            items.AddRange(page.Values.Select(e => CooperationSummary.Of(CooperationRows.FromEntity(e))));
            tableToken = page.ContinuationToken;
            if (tableToken is null) break;
        }

        return new Page<CooperationSummary>(items, ContinuationToken.Encode(tableToken, fingerprint));
    }
}
