using System.Collections;

namespace Baton.Grains.Logging;

/// <summary>
/// The logging scope of a turn or an activity attempt: every log line written inside it carries the instance id and, for
/// an attempt, the step and the activity, as structured fields (<c>InstanceId</c>, <c>StepId</c>, <c>Workflow</c> or
/// <c>Activity</c>) for providers that record scopes (OpenTelemetry, JSON console with scopes).
/// </summary>
internal sealed class StepScope(string instanceId, int? stepId, string? activity, string? workflow = null) : IReadOnlyList<KeyValuePair<string, object?>>
{
    private readonly KeyValuePair<string, object?>[] _fields =
    [
        new("InstanceId", instanceId),
        .. stepId is { } step ? [new KeyValuePair<string, object?>("StepId", step)] : Array.Empty<KeyValuePair<string, object?>>(),
        .. activity is not null ? [new KeyValuePair<string, object?>("Activity", activity)] : Array.Empty<KeyValuePair<string, object?>>(),
        .. workflow is not null ? [new KeyValuePair<string, object?>("Workflow", workflow)] : Array.Empty<KeyValuePair<string, object?>>(),
    ];

    public int Count => _fields.Length;

    public KeyValuePair<string, object?> this[int index] => _fields[index];

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)_fields).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => string.Join(", ", _fields.Select(f => $"{f.Key}: {f.Value}"));
}
