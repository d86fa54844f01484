namespace Baton;

/// <summary>A client named a namespace that this cluster does not declare (<c>BatonOptions.Namespaces</c>); nothing was done.</summary>
/// <param name="namespaceName">The namespace named.</param>
[GenerateSerializer]
[Alias("Baton.NamespaceNotFoundException")]
public sealed class NamespaceNotFoundException(string namespaceName)
    : BatonException($"There is no namespace '{namespaceName}'; namespaces are declared in the silo's options (Baton:Namespaces).")
{
    /// <summary>The namespace named.</summary>
    [Id(0)]
    public string Namespace { get; } = namespaceName;
}
