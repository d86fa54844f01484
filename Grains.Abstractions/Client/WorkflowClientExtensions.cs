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

    /// <summary>Sends an update and reads its result as <typeparamref name="T"/> (see <see cref="IWorkflowClient.UpdateAsync"/>).</summary>
    /// <typeparam name="T">The result's type.</typeparam>
    /// <param name="client">The client.</param>
    /// <param name="instanceId">The instance.</param>
    /// <param name="updateName">The update's name.</param>
    /// <param name="input">The input; null for none.</param>
    /// <param name="options">The update's id; null for a new one.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The result.</returns>
    public static async Task<T?> UpdateAsync<T>(this IWorkflowClient client, string instanceId, string updateName, object? input = null, UpdateOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        return BatonJson.Deserialize<T>(await client.UpdateAsync(instanceId, updateName, input, options, cancellationToken).ConfigureAwait(false));
    }
}
