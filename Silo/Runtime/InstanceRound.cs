using Baton.Grains.Replay;
using Baton.Silo.Storage;

namespace Baton.Silo.Runtime;

/// <summary>The inputs, turn and commit of one instance in one round.</summary>
internal sealed class InstanceRound(string instanceId)
{
    public string InstanceId { get; } = instanceId;

    public List<PartitionInput> Inputs { get; } = new(1);

    public List<StartRequest> CreatingStarts { get; } = new(0);

    public List<StartRequest> DuplicateStarts { get; } = new(0);

    public InstanceActivation? Activation { get; set; }

    public TurnResult? Turn { get; set; }

    public InstanceCommit? Commit { get; set; }

    public Task<CommitOutcome>? Committing { get; set; }

    public void FailStarts(Exception exception)
    {
        CreatingStarts.ForEach(s => s.Reply.TrySetException(exception));
        DuplicateStarts.ForEach(s => s.Reply.TrySetException(exception));
    }
}
