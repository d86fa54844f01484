namespace Baton.Client;

/// <summary>Options of the <see cref="ClusterWorkflowClient"/>.</summary>
public sealed class ClusterWorkflowClientOptions
{
    /// <summary>
    /// The longest one call of <see cref="IWorkflowClient.WaitForCompletionAsync"/> waits in a silo before the client asks
    /// again; kept below Orleans' response timeout (30 s by default). Default: 20 seconds.
    /// </summary>
    public TimeSpan LongPollInterval { get; set; } = TimeSpan.FromSeconds(20);

    internal void Validate()
    {
        if (LongPollInterval < TimeSpan.FromMilliseconds(100) || LongPollInterval > TimeSpan.FromMinutes(5))
        {
            throw new InvalidOperationException("ClusterWorkflowClientOptions.LongPollInterval must be between 100 milliseconds and 5 minutes.");
        }
    }
}
