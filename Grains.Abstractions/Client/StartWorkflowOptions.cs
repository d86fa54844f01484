namespace Baton;

/// <summary>Options of <see cref="IWorkflowClient.StartAsync"/>.</summary>
public sealed record StartWorkflowOptions
{
    /// <summary>
    /// The instance id to use; one is generated when null. Ids are 1 to 256 characters with no control
    /// characters. Default: null.
    /// </summary>
    public string? InstanceId { get; init; }

    /// <summary>What to do when the id is taken. Default: <see cref="InstanceIdReusePolicy.ReturnExisting"/>.</summary>
    public InstanceIdReusePolicy IfExists { get; init; } = InstanceIdReusePolicy.ReturnExisting;
}

/// <summary>What a start does when an instance with the requested id already exists.</summary>
public enum InstanceIdReusePolicy
{
    /// <summary>Start nothing and return the existing instance's id (idempotent start).</summary>
    ReturnExisting = 0,

    /// <summary>Throw <see cref="InstanceAlreadyExistsException"/>.</summary>
    Fail = 1,
}
