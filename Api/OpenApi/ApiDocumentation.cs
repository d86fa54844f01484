using Baton.Api.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;

namespace Baton.Api.OpenApi;

/// <summary>
/// What the OpenAPI document cannot infer from a handler's signature: the query values and headers a route reads itself,
/// and the problem details it answers with.
/// </summary>
internal static class ApiDocumentation
{
    /// <summary>The filters of a listing, a count and a purge by filter (see <see cref="InstanceQueries"/>).</summary>
    public static readonly DocumentedParameter[] InstanceFilters =
    [
        new("name", JsonSchemaType.String, "Only instances of this workflow."),
        new("runtimeStatus", JsonSchemaType.String,
            "Only instances in these statuses, comma-separated: Pending, Running, Suspended, Completed, Failed, Terminated, ContinuedAsNew. Names Baton has none of (Canceled, Unknown, any other) are ignored."),
        new("createdTimeFrom", JsonSchemaType.String, "Only instances created at or after this time (ISO 8601).", Format: "date-time"),
        new("createdTimeTo", JsonSchemaType.String, "Only instances created at or before this time (ISO 8601).", Format: "date-time"),
        new("instanceIdPrefix", JsonSchemaType.String, "Only instances whose id starts with this text."),
    ];

    /// <summary>The paging and custom-status filter of a listing, beside <see cref="InstanceFilters"/>.</summary>
    public static readonly DocumentedParameter[] ListingPaging =
    [
        new("customStatus", JsonSchemaType.String, "Only instances whose custom status is this value: its JSON text, or a plain string; at most 4,096 characters."),
        new("version", JsonSchemaType.Integer, "Only instances of this version of their workflow."),
        new("top", JsonSchemaType.Integer, "The page size, 1 to 1,000. Default: 100."),
        new("orderBy", JsonSchemaType.String, "The order: newest first (createdTime desc, the default) or oldest first (createdTime asc).",
            Values: ["createdTime desc", "createdTime asc"]),
        new(InstanceQueries.ContinuationHeader, JsonSchemaType.String,
            "The next page's token, from the previous page's x-ms-continuation-token response header.", ParameterLocation.Header),
    ];

    /// <summary>How a start treats an id that is taken.</summary>
    public static readonly DocumentedParameter IfExists = new("ifExists", JsonSchemaType.String,
        "What a start on a taken id does. recreateIfFinished (the default, as Durable Functions): a finished instance is replaced, a live one is a 409; fail: any taken id is a 409; returnExisting: start nothing and answer 202 for the existing instance.",
        Values: ["recreateIfFinished", "fail", "returnExisting"]);

    /// <summary>
    /// What the handler parameters mean, by name, for the parameters the document infers from handler signatures (it gives
    /// them a type but no description). One name means the same on every route.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> ParameterDescriptions = new Dictionary<string, string>
    {
        ["instanceId"] = "The instance id: 1 to 256 characters, without /, \\, #, ? or invisible characters. On a start: omit it for a new random id.",
        ["name"] = "The workflow's registered name.",
        ["eventName"] = "The event's name, as the workflow waits for it: 1 to 256 characters, without control or invisible characters.",
        ["token"] = "The callback's signed token, as the workflow handed it out.",
        ["timeout"] = "Seconds to wait for the result: on a start, for the instance to finish (200 with its status); on an update, for its handler to return (200 with its result, default 30). Otherwise 202. At most Baton:Api:MaxLongPoll.",
        ["updateName"] = "The update's name, as the workflow declared it with SetUpdateHandler (case-insensitive).",
        ["updateId"] = "The update's id (1 to 256 characters): the same id sent again waits for the same update rather than running a second. Default: a new one, which a 202 answer returns.",
        ["waitSeconds"] = "Seconds to hold the request until the instance finishes (long polling); at most Baton:Api:MaxLongPoll.",
        ["showHistory"] = "Inline the history (at most 1,000 events; historyNextUri points to the rest).",
        ["showInput"] = "Include each instance's input. Default: true.",
        ["reason"] = "Why, recorded in the instance's history and status.",
        ["restartWithNewInstanceId"] = "Restart under a new random id rather than the same one. Default: false.",
        ["top"] = "The page size. Default: 100 for listings, 1,000 for history pages.",
        ["continuationToken"] = "The next page's token, from the previous page.",
        ["after"] = "Start after this event's sequence number (resume a stream); default: from the newest event on.",
        ["runtimeStatus"] = "Only these statuses, comma-separated; unknown names are ignored.",
        ["entityName"] = "The entity's registered name (case-insensitive).",
        ["entityKey"] = "Which entity of that name: any text that makes a valid instance id as @{name}@{key}.",
        ["op"] = "The operation to signal: a method of the entity.",
        ["scheduleId"] = "The schedule's id: 1 to 240 characters, without /, \\, #, ? or invisible characters.",
        ["queryName"] = "The query's name, as the workflow declared it with SetQueryHandler (case-insensitive).",
        ["seconds"] = "How many of the last seconds of throughput and latency to return, 1 to 599. Default: 300.",
    };

    /// <summary>Documents query values or headers the route reads itself.</summary>
    public static TBuilder WithParameters<TBuilder>(this TBuilder builder, params DocumentedParameter[] parameters)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata([.. parameters]);

    /// <summary>Documents problem-details answers (RFC 7807, <c>application/problem+json</c>) with these status codes.</summary>
    public static TBuilder WithProblems<TBuilder>(this TBuilder builder, params int[] statusCodes)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata([.. statusCodes.Select(status =>
            (object)new ProducesResponseTypeMetadata(status, typeof(ProblemDetails), ["application/problem+json"]))]);
}
