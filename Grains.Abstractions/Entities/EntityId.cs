namespace Baton;

/// <summary>
/// The address of a durable entity: its registered name and a key of the caller's choosing. Each is one instance, kept
/// under the instance id <c>@{name}@{key}</c> (the name in lower case), as Durable Functions names entity instances.
/// </summary>
/// <param name="Name">The entity's registered name (case-insensitive).</param>
/// <param name="Key">Which one of them: any text that makes a valid instance id.</param>
public readonly record struct EntityId(string Name, string Key)
{
    /// <summary>The instance id the entity is kept under.</summary>
    public string InstanceId => $"@{Name.ToLowerInvariant()}@{Key}";

    /// <summary>The name its instances run under (<c>@{name}</c>).</summary>
    public string WorkflowName => WorkflowNameOf(Name);

    /// <summary>The workflow name of the entity registered as <paramref name="name"/>.</summary>
    /// <param name="name">The entity's registered name.</param>
    /// <returns><c>@{name}</c> in lower case.</returns>
    public static string WorkflowNameOf(string name) => $"@{name.ToLowerInvariant()}";

    /// <summary>Checks the name and key and the instance id they make.</summary>
    /// <exception cref="ArgumentException">The name is empty or holds <c>@</c>, or the key is empty.</exception>
    /// <exception cref="InvalidInstanceIdException">The instance id they make is not a valid one.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Name) || Name.Contains('@', StringComparison.Ordinal))
        {
            throw new ArgumentException($"An entity name must be non-empty and without '@', not '{Name}'.", nameof(Name));
        }

        if (string.IsNullOrEmpty(Key))
        {
            throw new ArgumentException("An entity key must be non-empty.", nameof(Key));
        }

        InstanceIds.Validate(InstanceId);
    }

    /// <inheritdoc />
    public override string ToString() => InstanceId;
}
