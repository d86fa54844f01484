using System.Text.Json;
using Baton.Grains.Replay;
using Baton.Grains.Storage;
using Baton.History;
using Baton.Serialization;

namespace Baton.Silo.Storage;

/// <summary>
/// A turn's commit turned into the text both stores write: events, timers, inputs and messages serialised, and large
/// payloads moved out into payload rows. Made on the caller's thread, so that a store's writer only binds and sends.
/// </summary>
internal sealed class PreparedCommit
{
    private PreparedCommit(InstanceCommit commit, PayloadOffloader offloader)
    {
        var id = commit.InstanceId;
        var parentId = WorkflowNamespaces.LocalId(id); // A child knows its parent by its id in their namespace.
        Commit = commit;
        Events = commit.NewEvents.Select(e => Serialize(offloader, e, id)).ToArray();
        TimerBodies = commit.NewTimers.Select(t => JsonSerializer.Serialize<HistoryEvent>(new TimerFired(t.StepId), BatonJson.Options)).ToArray();
        Output = offloader.Offload(commit.Output, id, Payloads);
        Failure = commit.Failure is null ? null : JsonSerializer.Serialize(commit.Failure, BatonJson.Options);
        NewInput = commit.NewInstance is { } created ? offloader.Offload(created.Input, id, Payloads) : null;
        WorkInputs = commit.NewWorkItems.Select(w => offloader.Offload(w.Input, id, Payloads)).ToArray();
        Children = commit.NewChildren.Select(c => new PreparedChild(
            c,
            offloader.Offload(c.Input, c.InstanceId, Payloads),
            Serialize(offloader, new WorkflowStarted(c.Name, c.Input, c.Version, 0, c.Detached ? null : new ParentInstance(parentId, c.StepId)) { Timestamp = commit.Now }, c.InstanceId),
            c.Detached ? null : Serialize(offloader, new ChildWorkflowFailed(c.StepId, FailureDetails.FromException(new InstanceAlreadyExistsException(WorkflowNamespaces.LocalId(c.InstanceId)))) { Timestamp = commit.Now }, id),
            c.Detached ? null : parentId))
            .ToArray();
        Outgoing = commit.Outgoing.Select(m => (m.InstanceId, Serialize(offloader, m.Event with { Timestamp = commit.Now }, m.InstanceId))).ToArray();
    }

    public InstanceCommit Commit { get; }

    /// <summary>The new history events, in order.</summary>
    public string[] Events { get; }

    /// <summary>The TimerFired message of each new timer, in order.</summary>
    public string[] TimerBodies { get; }

    public string? Output { get; }

    public string? Failure { get; }

    /// <summary>The new instance's input, when the commit creates it.</summary>
    public string? NewInput { get; }

    /// <summary>The input of each new work item, in order.</summary>
    public string?[] WorkInputs { get; }

    public PreparedChild[] Children { get; }

    /// <summary>Messages to instances' inboxes: the target and the serialised event.</summary>
    public (string InstanceId, string Body)[] Outgoing { get; }

    /// <summary>The payload rows the commit writes.</summary>
    public List<PayloadRow> Payloads { get; } = [];

    /// <summary>Whether the status row is written (new events, a reset, a stalled instance, or a new custom status).</summary>
    public bool WritesStatus => Commit.WritesStatus;

    public static PreparedCommit From(InstanceCommit commit, PayloadOffloader offloader) => new(commit, offloader);

    private string Serialize(PayloadOffloader offloader, HistoryEvent e, string instanceId) =>
        JsonSerializer.Serialize(offloader.Offload(e, instanceId, Payloads), BatonJson.Options);
}

/// <summary>
/// A child instance a commit creates: its input, its start message, the failure its parent gets if the id is taken, and
/// its parent. A detached one (an entity created by an operation sent to it) has neither: a taken id is simply the entity.
/// </summary>
internal sealed record PreparedChild(ChildWork Work, string? Input, string Start, string? Conflict, string? Parent);
