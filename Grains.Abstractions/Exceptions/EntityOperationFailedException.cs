namespace Baton;

/// <summary>Thrown into workflow code when an entity operation it called threw; the entity's state is as it was before.</summary>
/// <param name="entity">The entity.</param>
/// <param name="operation">The operation.</param>
/// <param name="failure">What the operation threw.</param>
public sealed class EntityOperationFailedException(EntityId entity, string operation, FailureDetails failure)
    : BatonException($"Operation '{operation}' of entity {entity} failed: {failure.ErrorType}: {failure.Message}")
{
    /// <summary>The entity.</summary>
    public EntityId Entity { get; } = entity;

    /// <summary>The operation.</summary>
    public string Operation { get; } = operation;

    /// <summary>What the operation threw.</summary>
    public FailureDetails Failure { get; } = failure;
}
