using System.Text.Json;
using Baton.Serialization;

namespace Baton;

/// <summary>Durable entities from a client: signal one (one-way, durable) and read its state, over any <see cref="IWorkflowClient"/>.</summary>
public static class EntityClientExtensions
{
    /// <summary>
    /// Sends an operation to an entity, creating the entity if it does not exist yet; completes once the operation is
    /// stored, and the entity runs it after every operation sent to it before.
    /// </summary>
    /// <param name="client">The client.</param>
    /// <param name="entity">The entity.</param>
    /// <param name="operation">The operation: a method of the entity.</param>
    /// <param name="input">The operation's input; null for none.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes once the operation is stored.</returns>
    /// <exception cref="WorkflowNotRegisteredException">No entity of that name is registered (its workflow is <c>@{name}</c>).</exception>
    public static async Task SignalEntityAsync(this IWorkflowClient client, EntityId entity, string operation, object? input = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        entity.Validate();
        EventNames.Validate(operation, "entity operation");
        await client.StartAsync(entity.WorkflowName, null, new StartWorkflowOptions { InstanceId = entity.InstanceId, IfExists = InstanceIdReusePolicy.ReturnExisting },
            cancellationToken).ConfigureAwait(false);
        var op = new EntityOperation(operation, BatonJson.Serialize(input));
        await client.RaiseEventAsync(entity.InstanceId, EntityEvents.Operation, JsonSerializer.SerializeToElement(op, BatonJson.Options), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads an entity's state, as its operations so far have left it; the default of <typeparamref name="TState"/> for an entity never signalled.</summary>
    /// <typeparam name="TState">The state's type.</typeparam>
    /// <param name="client">The client.</param>
    /// <param name="entity">The entity.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The state, and whether the entity exists.</returns>
    public static async Task<(bool Exists, TState? State)> GetEntityStateAsync<TState>(this IWorkflowClient client, EntityId entity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        entity.Validate();
        try
        {
            return (true, BatonJson.Deserialize<TState>(await client.QueryAsync(entity.InstanceId, EntityEvents.StateQuery, cancellationToken).ConfigureAwait(false)));
        }
        catch (InstanceNotFoundException)
        {
            return (false, default);
        }
    }
}

/// <summary>The names an entity's instance uses: the event its operations arrive as, and the query its state is read by.</summary>
public static class EntityEvents
{
    /// <summary>The event an operation arrives as.</summary>
    public const string Operation = "op";

    /// <summary>The query that reads the state (as JSON).</summary>
    public const string StateQuery = "state";

    /// <summary>The operation that takes an entity's lock for a workflow's critical section.</summary>
    public const string Lock = "@lock";

    /// <summary>The operation that gives the lock back.</summary>
    public const string Unlock = "@unlock";
}
