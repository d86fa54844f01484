using System.Collections;

namespace Baton.Grains.Logging;

/// <summary>
/// The logging scope of a turn or an activity attempt: every log line written inside it carries the instance id and, for
/// an attempt, the step and the activity, as structured fields (<c>InstanceId</c>, <c>StepId</c>, <c>Workflow</c> or
/// <c>Activity</c>) for providers that record scopes (OpenTelemetry, JSON console with scopes).
/// </summary>
internal sealed class StepScope(string instanceId, int? stepId, string? activity, string? workflow = null) : IReadOnlyList<KeyValuePair<string, object?>>
{
    private readonly KeyValuePair<string, object?>[] _fields = Fields(instanceId, stepId, activity, workflow);

    public int Count => _fields.Length;

    public KeyValuePair<string, object?> this[int index] => _fields[index];

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)_fields).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static KeyValuePair<string, object?>[] Fields(string instanceId, int? stepId, string? activity, string? workflow)
    {
        var fields = new KeyValuePair<string, object?>[1 + (stepId is null ? 0 : 1) + (activity is null ? 0 : 1) + (workflow is null ? 0 : 1)];
        var next = 0;
        fields[next++] = new("InstanceId", instanceId);
        if (stepId is { } step)
        {
            fields[next++] = new("StepId", step);
        }

        if (activity is not null)
        {
            fields[next++] = new("Activity", activity);
        }

        if (workflow is not null)
        {
            fields[next] = new("Workflow", workflow);
        }

        return fields;
    }

    public override string ToString() => string.Join(", ", _fields.Select(f => $"{f.Key}: {f.Value}"));
}
