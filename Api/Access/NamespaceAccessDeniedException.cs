namespace Baton.Api.Access;

/// <summary>The caller's API key or token does not open the namespace the request names; answered 403, and nothing is done.</summary>
/// <param name="namespaceName">The namespace the request names.</param>
internal sealed class NamespaceAccessDeniedException(string namespaceName)
    : Exception($"The credentials do not open namespace '{namespaceName}'; each API key and token names the namespaces it may use.")
{
    /// <summary>The namespace the request names.</summary>
    public string Namespace { get; } = namespaceName;
}
