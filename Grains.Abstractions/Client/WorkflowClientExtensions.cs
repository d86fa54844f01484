using Baton.Serialization;

namespace Baton;

/// <summary>Typed conveniences over <see cref="IWorkflowClient"/>.</summary>
public static class WorkflowClientExtensions
{
    /// <summary>Asks a query and reads its answer as <typeparamref name="T"/> (see <see cref="IWorkflowClient.QueryAsync"/>).</summary>
    /// <typeparam name="T">The answer's type.</typeparam>
    /// <param name="client">The client.</param>
    /// <param name="instanceId">The instance.</param>
    /// <param name="queryName">The query's name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The answer.</returns>
    public static async Task<T?> QueryAsync<T>(this IWorkflowClient client, string instanceId, string queryName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        return BatonJson.Deserialize<T>(await client.QueryAsync(instanceId, queryName, cancellationToken).ConfigureAwait(false));
    }
}
