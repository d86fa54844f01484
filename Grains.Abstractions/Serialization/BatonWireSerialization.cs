using Orleans.Serialization;

namespace Baton.Serialization;

/// <summary>
/// How the client API's records cross between an Orleans client and a silo: as JSON with <see cref="BatonJson.Options"/>,
/// the form they have over HTTP and in the store (histories included), rather than a second wire format to keep in step.
/// Both sides register it: the silo in <c>AddBaton</c>, a client in <c>AddBatonClusterClient</c>.
/// </summary>
public static class BatonWireSerialization
{
    private static readonly HashSet<Type> JsonTypes =
    [
        typeof(WorkflowStatus),
        typeof(WorkflowPage),
        typeof(HistoryPage),
        typeof(WorkflowQuery),
        typeof(PurgeQuery),
        typeof(StartWorkflowOptions),
        typeof(UpdateOutcome),
    ];

    /// <summary>Serialises the client API's records as JSON.</summary>
    /// <param name="serializer">The Orleans serializer builder.</param>
    /// <returns>The builder.</returns>
    public static ISerializerBuilder AddBatonWireTypes(this ISerializerBuilder serializer) =>
        serializer.AddJsonSerializer(isSupported: JsonTypes.Contains, jsonSerializerOptions: BatonJson.Options);
}
