namespace Baton;

/// <summary>
/// Base class of a durable entity: a small piece of state addressed by an <see cref="EntityId"/>, changed by operations
/// one at a time. Each public method declared on the derived class is an operation of its name (case-insensitive), with
/// no parameter or one (the operation's input, from JSON), returning nothing, a value, or a task of either. An operation
/// that throws leaves <see cref="State"/> as it was, and a caller that waits for it gets the failure.
/// </summary>
/// <remarks>
/// Operations are replayed like workflow code, so they must be deterministic: read and change <see cref="State"/>, and
/// nothing outside it (no clock, no I/O). Entities are instances of their own: signal them and read them with
/// <see cref="EntityClientExtensions"/>, from workflows with <see cref="IWorkflowContext.SignalEntity"/>,
/// <see cref="IWorkflowContext.CallEntityAsync{TResult}"/> and <see cref="IWorkflowContext.LockEntitiesAsync"/>.
/// </remarks>
/// <typeparam name="TState">The state; it must round-trip through JSON. It starts as its default.</typeparam>
public abstract class Entity<TState>
{
    /// <summary>The entity's state, as the previous operation left it.</summary>
    public TState State { get; set; } = default!;

    /// <summary>The entity being operated on.</summary>
    public EntityId Id { get; internal set; }
}
