using System.Collections.Frozen;

namespace Baton.Grains.Registry;

/// <summary>The workflows and activities a host knows by name. Built at start-up, read-only afterwards.</summary>
public sealed class WorkflowRegistry
{
    private readonly Dictionary<string, SortedList<int, WorkflowRegistration>> _workflows = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ActivityRegistration> _activities = new(StringComparer.Ordinal);
    private FrozenDictionary<string, SortedList<int, WorkflowRegistration>>? _frozenWorkflows;
    private FrozenDictionary<string, ActivityRegistration>? _frozenActivities;

    /// <summary>The registered workflows, every version.</summary>
    public IEnumerable<WorkflowRegistration> Workflows => _workflows.Values.SelectMany(v => v.Values);

    /// <summary>The workflows clients start by name: all but Baton's own schedules and the entities (<c>@{name}</c>), which have routes of their own.</summary>
    public IEnumerable<WorkflowRegistration> StartableWorkflows =>
        Workflows.Where(w => w.Name != ScheduleClient.WorkflowName && !w.Name.StartsWith('@'));

    /// <summary>The registered activities.</summary>
    public IEnumerable<ActivityRegistration> Activities => _activities.Values;

    /// <summary>
    /// Registers a workflow type under <paramref name="name"/> (default: the class name) and <paramref name="version"/>.
    /// New instances run the newest version of a name; a running instance keeps the version it started with.
    /// Registering the same triple twice is a no-op.
    /// </summary>
    /// <param name="workflowType">A concrete class deriving from <see cref="Workflow{TInput, TOutput}"/> with a parameterless constructor.</param>
    /// <param name="name">The name; null for the class name.</param>
    /// <param name="version">The version, 1 or more. Default: 1.</param>
    /// <returns>This registry.</returns>
    /// <exception cref="ArgumentException">The type is not a workflow, the version is below 1, or the name and version are taken by another type.</exception>
    public WorkflowRegistry AddWorkflow(Type workflowType, string? name = null, int version = 1)
    {
        ArgumentNullException.ThrowIfNull(workflowType);
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
        name ??= workflowType.Name;
        ThrowIfFrozen();
        if (!_workflows.TryGetValue(name, out var versions))
        {
            versions = new SortedList<int, WorkflowRegistration>();
            _workflows.Add(name, versions);
        }

        if (versions.TryGetValue(version, out var existing))
        {
            return existing.WorkflowType == workflowType
                ? this
                : throw new ArgumentException($"Version {version} of workflow '{name}' is already registered to {existing.WorkflowType.FullName}.", nameof(name));
        }

        versions.Add(version, WorkflowRegistration.Create(name, version, workflowType));
        return this;
    }

    /// <summary>Registers an activity type under <paramref name="name"/> (default: the class name). Registering the same pair twice is a no-op.</summary>
    /// <param name="activityType">A concrete class deriving from <see cref="Activity{TInput, TOutput}"/>.</param>
    /// <param name="name">The name; null for the class name.</param>
    /// <returns>This registry.</returns>
    /// <exception cref="ArgumentException">The type is not an activity, or the name is taken by another type.</exception>
    public WorkflowRegistry AddActivity(Type activityType, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(activityType);
        name ??= activityType.Name;
        ThrowIfFrozen();
        if (_activities.TryGetValue(name, out var existing))
        {
            return existing.ActivityType == activityType
                ? this
                : throw new ArgumentException($"The activity name '{name}' is already registered to {existing.ActivityType.FullName}.", nameof(name));
        }

        _activities.Add(name, ActivityRegistration.Create(name, activityType));
        return this;
    }

    /// <summary>Gets the newest version of a workflow by name.</summary>
    /// <param name="name">The registered name.</param>
    /// <returns>The registration.</returns>
    /// <exception cref="WorkflowNotRegisteredException">No workflow has that name.</exception>
    public WorkflowRegistration GetWorkflow(string name) =>
        Versions(name) is { Count: > 0 } versions ? versions.Values[^1] : throw new WorkflowNotRegisteredException(name);

    /// <summary>Looks up one version of a workflow.</summary>
    /// <param name="name">The registered name.</param>
    /// <param name="version">The version.</param>
    /// <param name="registration">The registration, when found.</param>
    /// <returns>Whether that version is registered.</returns>
    public bool TryGetWorkflow(string name, int version, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out WorkflowRegistration? registration)
    {
        registration = null;
        return Versions(name)?.TryGetValue(version, out registration) ?? false;
    }

    /// <summary>Looks an activity up by name.</summary>
    /// <param name="name">The registered name.</param>
    /// <param name="registration">The registration, when found.</param>
    /// <returns>Whether it was found.</returns>
    public bool TryGetActivity(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ActivityRegistration? registration) =>
        (_frozenActivities ??= _activities.ToFrozenDictionary(StringComparer.Ordinal)).TryGetValue(name, out registration);

    private SortedList<int, WorkflowRegistration>? Versions(string name) =>
        (_frozenWorkflows ??= _workflows.ToFrozenDictionary(StringComparer.Ordinal)).GetValueOrDefault(name);

    private void ThrowIfFrozen()
    {
        if (_frozenWorkflows is not null || _frozenActivities is not null)
        {
            throw new InvalidOperationException("Workflows and activities must be registered before the host starts.");
        }
    }
}
