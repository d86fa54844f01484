using System.Text.Json;
using Baton.Serialization;

namespace Baton.Grains.Entities;

/// <summary>Where an entity's run left off: its state (as JSON), who holds its lock, and the operations waiting for it.</summary>
/// <param name="State">The state as JSON, or null for the default.</param>
/// <param name="LockHolder">The workflow instance whose critical section holds the entity, if any.</param>
/// <param name="Deferred">Operations from others that arrived while it was locked, in order.</param>
internal sealed record EntitySnapshot(string? State, string? LockHolder, IReadOnlyList<EntityOperation> Deferred);

/// <summary>
/// The instance of one durable entity: a workflow that takes its operations (the event <c>op</c>) one at a time and
/// applies each to the state, answers callers with the result, and carries the state into a fresh run every
/// <see cref="OperationsPerRun"/> operations, so its history stays short. Operations are replayed like any workflow
/// code; an operation that throws leaves the state as it was.
/// </summary>
internal sealed class EntityWorkflow<TEntity, TState> : Workflow<EntitySnapshot?, bool> where TEntity : Entity<TState>, new()
{
    /// <summary>How many operations one run takes before it continues as new with the state.</summary>
    public const int OperationsPerRun = 100;

    public override async Task<bool> RunAsync(IWorkflowContext context, EntitySnapshot? snapshot)
    {
        var id = Parse(context.InstanceId);
        var state = snapshot?.State;
        var holder = snapshot?.LockHolder;
        var deferred = new Queue<EntityOperation>(snapshot?.Deferred ?? []);
        context.SetQueryHandler(EntityEvents.StateQuery, () => state is null ? default : JsonSerializer.Deserialize<JsonElement?>(state, BatonJson.Options));
        for (var taken = 0; taken < OperationsPerRun; taken++)
        {
            // Waiting operations go first once the lock is free; while it is held, only its holder's are taken.
            var op = holder is null && deferred.Count > 0 ? deferred.Dequeue() : await context.WaitForEventAsync<EntityOperation>(EntityEvents.Operation);
            if (holder is not null && op.Sender != holder)
            {
                deferred.Enqueue(op);
                taken--;
                continue;
            }

            EntityReply reply;
            switch (op.Name)
            {
                case EntityEvents.Lock:
                    holder = op.Sender;
                    reply = new EntityReply("true");
                    break;
                case EntityEvents.Unlock:
                    holder = null;
                    reply = new EntityReply(null);
                    break;
                default:
                    (state, reply) = await ApplyAsync(id, state, op);
                    break;
            }

            if (op is { Sender: { } sender, ReplyEvent: { } replyEvent })
            {
                context.SendEvent(sender, replyEvent, reply);
            }
        }

        context.ContinueAsNew(new EntitySnapshot(state, holder, deferred.ToArray()));
        return true;
    }

    private static async Task<(string? State, EntityReply Reply)> ApplyAsync(EntityId id, string? state, EntityOperation op)
    {
        // A fresh object on the last committed state for every operation: one that throws changes nothing.
        var entity = new TEntity { Id = id, State = state is null ? default! : BatonJson.Deserialize<TState>(state)! };
        try
        {
            var result = await EntityDispatcher<TEntity>.InvokeAsync(entity, op.Name, op.Input);
            return (BatonJson.Serialize(entity.State), new EntityReply(BatonJson.Serialize(result)));
        }
        catch (Exception ex)
        {
            return (state, new EntityReply(null, FailureDetails.FromException(ex)));
        }
    }

    private static EntityId Parse(string instanceId)
    {
        var second = instanceId.IndexOf('@', 1);
        return new EntityId(instanceId[1..second], instanceId[(second + 1)..]);
    }
}
