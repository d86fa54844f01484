namespace Baton.Client;

/// <summary>Options of the <see cref="ClusterWorkflowClient"/>.</summary>
public sealed class ClusterWorkflowClientOptions
{
    /// <summary>
    /// The longest one call of <see cref="IWorkflowClient.WaitForCompletionAsync"/> waits in a silo before the client asks
    /// again; kept below Orleans' response timeout (30 s by default). Default: 20 seconds.
    /// </summary>
    public TimeSpan LongPollInterval { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// The namespace the client works in (case-insensitive), one the cluster declares; null (the default) for
    /// <see cref="WorkflowNamespaces.Default"/>. <see cref="IWorkflowClientFactory"/> gives clients for the others.
    /// </summary>
    public string? Namespace { get; set; }

    internal void Validate()
    {
        if (LongPollInterval < TimeSpan.FromMilliseconds(100) || LongPollInterval > TimeSpan.FromMinutes(5))
        {
            throw new InvalidOperationException("ClusterWorkflowClientOptions.LongPollInterval must be between 100 milliseconds and 5 minutes.");
        }

        if (Namespace is not null && !WorkflowNamespaces.IsValid(Namespace))
        {
            throw new InvalidOperationException($"ClusterWorkflowClientOptions.Namespace must be {WorkflowNamespaces.Rule}.");
        }
    }
}
