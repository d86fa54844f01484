using System.Globalization;

namespace Baton.Api.Http;

/// <summary>
/// Reads instance filters from a query string, in the Durable Functions parameter names (<c>createdTimeFrom</c>,
/// <c>createdTimeTo</c>, <c>runtimeStatus</c> as a comma-separated list, <c>instanceIdPrefix</c>, <c>top</c>) plus
/// Baton's <c>name</c> and <c>customStatus</c>.
/// </summary>
internal static class InstanceQueries
{
    /// <summary>The header (request and response) that carries a listing's continuation token, as in Durable Functions.</summary>
    public const string ContinuationHeader = "x-ms-continuation-token";

    /// <exception cref="ArgumentException">A parameter does not parse.</exception>
    public static WorkflowQuery Listing(HttpRequest request)
    {
        var query = request.Query;
        var token = request.Headers[ContinuationHeader].ToString() is { Length: > 0 } header ? header : query["continuationToken"].ToString();
        return new WorkflowQuery
        {
            Name = Text(query["name"]),
            Version = Text(query["version"]) is { } version
                ? int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : throw new ArgumentException($"version must be a whole number, not '{version}'.")
                : null,
            Statuses = Statuses(query["runtimeStatus"]),
            CreatedFrom = Time(query["createdTimeFrom"], "createdTimeFrom"),
            CreatedTo = Time(query["createdTimeTo"], "createdTimeTo"),
            InstanceIdPrefix = Text(query["instanceIdPrefix"]),
            CustomStatus = Text(query["customStatus"]),
            PageSize = Text(query["top"]) is { } top
                ? int.TryParse(top, NumberStyles.None, CultureInfo.InvariantCulture, out var size) ? size : throw new ArgumentException($"top must be a whole number, not '{top}'.")
                : 100,
            ContinuationToken = token.Length > 0 ? token : null,
            OldestFirst = Text(query["orderBy"]) switch
            {
                null or "createdTime desc" => false,
                "createdTime asc" => true,
                var other => throw new ArgumentException($"orderBy must be 'createdTime desc' (the default) or 'createdTime asc', not '{other}'."),
            },
        };
    }

    /// <exception cref="ArgumentException">A parameter does not parse.</exception>
    public static PurgeQuery Purge(HttpRequest request)
    {
        var listing = Listing(request);
        if (listing is { Name: null, Statuses: null, CreatedFrom: null, CreatedTo: null, InstanceIdPrefix: null })
        {
            // A bare DELETE /instances would delete every finished instance; make the caller say so with a filter.
            throw new ArgumentException("A purge by filter needs at least one filter (name, runtimeStatus, createdTimeFrom, createdTimeTo or instanceIdPrefix).");
        }

        return new PurgeQuery
        {
            Name = listing.Name,
            Statuses = listing.Statuses,
            CreatedFrom = listing.CreatedFrom,
            CreatedTo = listing.CreatedTo,
            InstanceIdPrefix = listing.InstanceIdPrefix,
        };
    }

    private static string? Text(Microsoft.Extensions.Primitives.StringValues value) => value.ToString() is { Length: > 0 } text ? text : null;

    private static DateTime? Time(Microsoft.Extensions.Primitives.StringValues value, string parameter) =>
        Text(value) is not { } text ? null
            : DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time) ? time
            : throw new ArgumentException($"{parameter} must be an ISO 8601 time, not '{text}'.");

    /// <summary>
    /// A <c>runtimeStatus</c> parameter: comma-separated status names (case-insensitive), possibly repeated; null when
    /// absent. As in Durable Functions, names of no Baton status (<c>Canceled</c>, <c>Unknown</c>, or any other) are
    /// ignored rather than refused: an empty array means names were given and none can match (<see cref="MatchesNothing"/>).
    /// </summary>
    public static WorkflowRuntimeStatus[]? Statuses(Microsoft.Extensions.Primitives.StringValues values)
    {
        var names = values.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();
        return names.Length == 0 ? null : names
            .Select(name => Enum.TryParse<WorkflowRuntimeStatus>(name, ignoreCase: true, out var status) && Enum.IsDefined(status) && !int.TryParse(name, out _)
                ? status
                : (WorkflowRuntimeStatus?)null)
            .OfType<WorkflowRuntimeStatus>()
            .Distinct()
            .ToArray();
    }

    /// <summary>True when a status filter was given and names no status an instance can have: the answer is empty without a look.</summary>
    public static bool MatchesNothing(IReadOnlyCollection<WorkflowRuntimeStatus>? statuses) => statuses is { Count: 0 };
}
