using System.Security.Cryptography;
using System.Text;
using Baton.History;

namespace Baton.Silo.Storage;

/// <summary>
/// Every payload's way into and out of the store: encoded first when an <see cref="IPayloadCodec"/> is configured, then,
/// above the threshold, stored once in a payload row (keyed by instance and content hash) and referenced from history,
/// status and inbox rows by a small marker.
/// </summary>
internal sealed class PayloadOffloader(long thresholdBytes, IPayloadCodec? codec = null)
{
    private const string Marker = "{\"$payload\":\"";
    private const int HashLength = 64;

    /// <summary>Returns <paramref name="json"/>, or a reference to it after adding its payload row to <paramref name="rows"/>.</summary>
    public string? Offload(string? json, string instanceId, List<PayloadRow> rows)
    {
        if (json is null)
        {
            return null;
        }

        json = PayloadCodec.Encode(codec, json);
        if ((long)json.Length * 3 <= thresholdBytes)
        {
            return json;
        }

        var bytes = Encoding.UTF8.GetBytes(json);
        if (bytes.Length <= thresholdBytes)
        {
            return json;
        }

        var hash = Convert.ToHexString(SHA256.HashData(bytes));
        rows.Add(new PayloadRow(instanceId, hash, json));
        return $"{Marker}{hash}\",\"bytes\":{bytes.Length}}}";
    }

    /// <summary>The event with each large payload replaced by a reference.</summary>
    public HistoryEvent Offload(HistoryEvent e, string instanceId, List<PayloadRow> rows) =>
        HistoryPayloads.Map(e, json => Offload(json, instanceId, rows));

    /// <summary>True when a stored text may hold references or encrypted payloads (a cheap check before resolving).</summary>
    public static bool MayReference(string? stored) =>
        stored is not null && (stored.Contains("\"$payload\"", StringComparison.Ordinal) || stored.Contains("\"$enc\"", StringComparison.Ordinal));

    /// <summary>The payload hash a reference names, or null when <paramref name="json"/> is not a reference.</summary>
    public static string? ReferencedHash(string? json) =>
        json is not null && json.Length < 128 && json.StartsWith(Marker, StringComparison.Ordinal) ? json.Substring(Marker.Length, HashLength) : null;

    /// <summary>The payload <paramref name="json"/> stands for: a reference replaced by its payload, and decrypted.</summary>
    /// <exception cref="InvalidOperationException">It is encrypted under a key this store was not given.</exception>
    public string? Resolve(string? json, Func<string, string> load) =>
        json is null ? null : PayloadCodec.Decode(codec, ReferencedHash(json) is { } hash ? load(hash) : json);

    /// <summary>The event with each payload resolved (<see cref="Resolve(string?, Func{string, string})"/>).</summary>
    public HistoryEvent Resolve(HistoryEvent e, Func<string, string> load) => HistoryPayloads.Map(e, json => Resolve(json, load));
}

/// <summary>A large payload stored once for an instance.</summary>
internal sealed record PayloadRow(string InstanceId, string Hash, string Data);

/// <summary>The payload fields of each history event type.</summary>
internal static class HistoryPayloads
{
    public static HistoryEvent Map(HistoryEvent e, Func<string?, string?> map) => e switch
    {
        WorkflowStarted s => s with { Input = map(s.Input) },
        ActivityScheduled s => s with { Input = map(s.Input) },
        ActivityCompleted c => c with { Result = map(c.Result) },
        StepCompleted c => c with { Result = map(c.Result) },
        WorkflowCompleted c => c with { Output = map(c.Output) },
        EventRaised r => r with { Input = map(r.Input) },
        CallbackCompleted c => c with { Result = map(c.Result) },
        ChildWorkflowScheduled s => s with { Input = map(s.Input) },
        ChildWorkflowCompleted c => c with { Output = map(c.Output) },
        _ => e,
    };
}
