using Baton.Api.Access;
using Baton.Api.Hosting;
using Microsoft.Extensions.Options;

namespace Baton.Api.Http;

/// <summary>
/// The namespace a request works in: its <c>taskHub</c> query parameter, as Durable Functions names the task hub in its
/// management URIs. Absent, or the node's own task hub name (<c>Baton:Api:TaskHub</c>), it is the default namespace.
/// Routes take the client for it as <c>[FromKeyedServices(RequestNamespace.Client)] IWorkflowClient</c>; resolving it checks
/// that the namespace exists (404) and that the caller's credentials open it (403).
/// </summary>
internal sealed class RequestNamespace(IHttpContextAccessor http, IWorkflowClientFactory clients, IOptions<ApiOptions> options)
{
    /// <summary>The service key of the request's <see cref="IWorkflowClient"/>.</summary>
    public const string Client = "baton:request-namespace";

    /// <summary>The query parameter that names it.</summary>
    public const string Parameter = "taskHub";

    private string? _name;
    private IWorkflowClient? _client;

    /// <summary>The canonical name of the namespace the request names.</summary>
    /// <exception cref="ArgumentException">The name is not a valid namespace name (400).</exception>
    public string Name => _name ??= Read();

    /// <summary>The task hub the management URIs handed out name: the node's task hub name for the default namespace, else the namespace.</summary>
    public string TaskHub => Name == WorkflowNamespaces.Default ? options.Value.TaskHub : Name;

    /// <summary>The namespace's client, once the caller is found to be allowed in it.</summary>
    /// <exception cref="NamespaceAccessDeniedException">The caller's credentials do not open the namespace (403).</exception>
    /// <exception cref="NamespaceNotFoundException">No such namespace is declared (404).</exception>
    public IWorkflowClient WorkflowClient => _client ??= Open();

    /// <summary>Checks that the namespace exists (as far as this node can tell) and that the caller may use it.</summary>
    /// <exception cref="NamespaceAccessDeniedException">The caller's credentials do not open it (403).</exception>
    /// <exception cref="NamespaceNotFoundException">No such namespace is declared (404).</exception>
    public void Check() => _ = WorkflowClient;

    private void Authorize()
    {
        var user = http.HttpContext?.User;
        if (options.Value.Access.Enabled && (user is null || !NamespaceClaims.Allow(user, Name)))
        {
            throw new NamespaceAccessDeniedException(Name);
        }
    }

    private IWorkflowClient Open()
    {
        Authorize();
        return clients.ForNamespace(Name);
    }

    private string Read()
    {
        var named = http.HttpContext?.Request.Query[Parameter].ToString();
        return string.IsNullOrEmpty(named) || string.Equals(named, options.Value.TaskHub, StringComparison.OrdinalIgnoreCase)
            ? WorkflowNamespaces.Default
            : WorkflowNamespaces.Normalize(named);
    }
}
