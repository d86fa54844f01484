using System.Collections.Frozen;

namespace Baton.Grains.Registry;

/// <summary>The workflows and activities a host knows by name. Built at start-up, read-only afterwards.</summary>
public sealed class WorkflowRegistry
{
    private readonly Dictionary<string, WorkflowRegistration> _workflows = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ActivityRegistration> _activities = new(StringComparer.Ordinal);
    private FrozenDictionary<string, WorkflowRegistration>? _frozenWorkflows;
    private FrozenDictionary<string, ActivityRegistration>? _frozenActivities;

    /// <summary>The registered workflows.</summary>
    public IEnumerable<WorkflowRegistration> Workflows => _workflows.Values;

    /// <summary>The registered activities.</summary>
    public IEnumerable<ActivityRegistration> Activities => _activities.Values;

    /// <summary>Registers a workflow type under <paramref name="name"/> (default: the class name). Registering the same pair twice is a no-op.</summary>
    /// <param name="workflowType">A concrete class deriving from <see cref="Workflow{TInput, TOutput}"/> with a parameterless constructor.</param>
    /// <param name="name">The name; null for the class name.</param>
    /// <returns>This registry.</returns>
    /// <exception cref="ArgumentException">The type is not a workflow, or the name is taken by another type.</exception>
    public WorkflowRegistry AddWorkflow(Type workflowType, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(workflowType);
        name ??= workflowType.Name;
        ThrowIfFrozen();
        if (_workflows.TryGetValue(name, out var existing))
        {
            return existing.WorkflowType == workflowType
                ? this
                : throw new ArgumentException($"The workflow name '{name}' is already registered to {existing.WorkflowType.FullName}.", nameof(name));
        }

        _workflows.Add(name, WorkflowRegistration.Create(name, workflowType));
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

    /// <summary>Gets a workflow by name.</summary>
    /// <param name="name">The registered name.</param>
    /// <returns>The registration.</returns>
    /// <exception cref="WorkflowNotRegisteredException">No workflow has that name.</exception>
    public WorkflowRegistration GetWorkflow(string name) =>
        (_frozenWorkflows ??= _workflows.ToFrozenDictionary(StringComparer.Ordinal)).TryGetValue(name, out var registration)
            ? registration
            : throw new WorkflowNotRegisteredException(name);

    /// <summary>Looks an activity up by name.</summary>
    /// <param name="name">The registered name.</param>
    /// <param name="registration">The registration, when found.</param>
    /// <returns>Whether it was found.</returns>
    public bool TryGetActivity(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ActivityRegistration? registration) =>
        (_frozenActivities ??= _activities.ToFrozenDictionary(StringComparer.Ordinal)).TryGetValue(name, out registration);

    private void ThrowIfFrozen()
    {
        if (_frozenWorkflows is not null || _frozenActivities is not null)
        {
            throw new InvalidOperationException("Workflows and activities must be registered before the host starts.");
        }
    }
}
