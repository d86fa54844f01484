using System.Security.Claims;

namespace Baton.Api.Access;

/// <summary>
/// The namespaces a caller may use, as claims on its identity: one claim per namespace (canonical name), or <c>*</c> for
/// every one. An API key or token that names none opens the default namespace only.
/// </summary>
internal static class NamespaceClaims
{
    /// <summary>The claim type.</summary>
    public const string Type = "baton:namespace";

    /// <summary>The value that opens every namespace.</summary>
    public const string Any = "*";

    /// <summary>The claims for the namespaces a credential lists (null or empty: the default namespace).</summary>
    /// <exception cref="ArgumentException">A listed name is not a valid namespace name.</exception>
    public static IEnumerable<Claim> For(IEnumerable<string>? namespaces)
    {
        var listed = namespaces?.Where(n => !string.IsNullOrWhiteSpace(n)).ToList() ?? [];
        return listed.Count == 0
            ? [new Claim(Type, WorkflowNamespaces.Default)]
            : listed.Select(n => new Claim(Type, n == Any ? Any : WorkflowNamespaces.Normalize(n)));
    }

    /// <summary>Whether the caller may use the namespace (canonical name).</summary>
    public static bool Allow(ClaimsPrincipal user, string namespaceName) =>
        user.FindAll(Type).Any(c => c.Value == Any || c.Value == namespaceName);
}
