namespace Baton.Client;

/// <summary>Where the Baton node is and how to authenticate to it.</summary>
public sealed class BatonClientOptions
{
    /// <summary>The node's base address, for example <c>http://127.0.0.1:5080/</c>. Required.</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>An API key, sent as <c>X-Api-Key</c>. Default: none.</summary>
    public string? ApiKey { get; set; }

    /// <summary>A JWT, sent as <c>Authorization: Bearer</c>. Default: none.</summary>
    public string? BearerToken { get; set; }

    /// <summary>
    /// The namespace (task hub) the client works in, one the node's cluster declares; null (the default) for
    /// <see cref="WorkflowNamespaces.Default"/>. Every request names it as <c>taskHub</c>.
    /// </summary>
    public string? Namespace { get; set; }

    /// <summary>How long one long-poll request of <see cref="IWorkflowClient.WaitForCompletionAsync"/> waits on the server. Default: 30 seconds.</summary>
    public TimeSpan LongPollInterval { get; set; } = TimeSpan.FromSeconds(30);

    internal void Validate()
    {
        if (BaseAddress is null || !BaseAddress.IsAbsoluteUri)
        {
            throw new InvalidOperationException("BatonClientOptions.BaseAddress must be an absolute URI.");
        }

        if (LongPollInterval < TimeSpan.FromSeconds(1) || LongPollInterval > TimeSpan.FromMinutes(5))
        {
            throw new InvalidOperationException("BatonClientOptions.LongPollInterval must be between 1 second and 5 minutes.");
        }

        if (Namespace is not null && !WorkflowNamespaces.IsValid(Namespace))
        {
            throw new InvalidOperationException($"BatonClientOptions.Namespace must be {WorkflowNamespaces.Rule}.");
        }
    }
}
