namespace Baton;

/// <summary>Options of <see cref="IWorkflowClient.StartAsync"/>.</summary>
public sealed record StartWorkflowOptions
{
    /// <summary>
    /// The instance id to use; one is generated when null. Ids are 1 to 256 characters with no control
    /// characters. Default: null.
    /// </summary>
    public string? InstanceId { get; init; }

    /// <summary>
    /// What to do when the id is taken. Default: <see cref="InstanceIdReusePolicy.RecreateIfFinished"/>, as Durable
    /// Functions does and as the HTTP start routes do without <c>ifExists</c>.
    /// </summary>
    public InstanceIdReusePolicy IfExists { get; init; } = InstanceIdReusePolicy.RecreateIfFinished;
}

/// <summary>What a start does when an instance with the requested id already exists.</summary>
public enum InstanceIdReusePolicy
{
    /// <summary>Start nothing and return the existing instance's id (idempotent start).</summary>
    ReturnExisting = 0,

    /// <summary>Throw <see cref="InstanceAlreadyExistsException"/>, whatever the existing instance's status.</summary>
    Fail = 1,

    /// <summary>
    /// Replace an instance that has finished (Completed, Failed or Terminated) with this start, under the same id; throw
    /// <see cref="InstanceAlreadyExistsException"/> while it is Pending, Running or Suspended. Durable Functions' behaviour.
    /// </summary>
    RecreateIfFinished = 2,
}
