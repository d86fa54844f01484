using Baton.Grains.Storage;

namespace Baton.Grains.Runtime;

/// <summary>What a <see cref="WorkflowInstance"/> asks of the grain that hosts it, after a commit: the Orleans side of its effects.</summary>
internal interface IInstanceHost
{
    /// <summary>Runs activities of queues this silo serves on its workers.</summary>
    void Dispatch(IReadOnlyList<WorkItem> items);

    /// <summary>Cancels this silo's attempts of steps the instance no longer needs.</summary>
    void Cancel(IReadOnlyList<int> steps);

    /// <summary>Wakes other instances whose inboxes a commit wrote to.</summary>
    void Wake(IReadOnlyList<string> instanceIds);

    /// <summary>Arms the wake-up for the instance's earliest pending timer (null: none), in memory or by reminder.</summary>
    Task ArmTimerAsync(DateTime? dueAt);

    /// <summary>The instance finished, or lost a commit to another activation: the activation should go.</summary>
    void Retire();
}
