namespace Baton;

/// <summary>
/// The rules for namespaces (task hubs): isolated sets of instances that share one store and one cluster. Every instance
/// lives in exactly one; ids, listings, counts, purges, events, children, entities, schedules and limits never cross
/// from one to another. A namespace other than <see cref="Default"/> is declared in <c>BatonOptions.Namespaces</c>.
/// </summary>
public static class WorkflowNamespaces
{
    /// <summary>The namespace every instance is in unless a client names another one.</summary>
    public const string Default = "default";

    /// <summary>The longest name accepted, in characters.</summary>
    public const int MaxLength = 50;

    /// <summary>The rule a namespace name follows, for messages that refuse one.</summary>
    public static readonly string Rule = $"1 to {MaxLength} ASCII letters, digits and hyphens beginning with a letter";

    // Instance ids never hold '/', so "{namespace}/{id}" keys can never meet the default namespace's ids, or each other.
    private const char Separator = '/';

    /// <summary>
    /// Throws <see cref="ArgumentException"/> unless <paramref name="name"/> is 1 to 50 ASCII letters, digits and hyphens
    /// beginning with a letter. Names are compared without regard to case.
    /// </summary>
    /// <param name="name">The name to check.</param>
    /// <exception cref="ArgumentException">The name breaks a rule.</exception>
    public static void Validate(string? name)
    {
        if (!IsValid(name))
        {
            throw new ArgumentException(
                $"A namespace name is {Rule}, not '{name}'.", nameof(name));
        }
    }

    /// <summary>Whether <paramref name="name"/> is a valid namespace name (see <see cref="Validate"/>).</summary>
    /// <param name="name">The name to check.</param>
    /// <returns>Whether it is valid.</returns>
    public static bool IsValid([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= MaxLength && char.IsAsciiLetter(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    /// <summary>The namespace's canonical (lower-case) name; null and empty mean <see cref="Default"/>.</summary>
    /// <param name="name">A namespace name in any case, or null.</param>
    /// <returns>The canonical name.</returns>
    /// <exception cref="ArgumentException">The name breaks a rule.</exception>
    public static string Normalize(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return Default;
        }

        Validate(name);
        return name.ToLowerInvariant();
    }

    /// <summary>Whether <paramref name="name"/> (canonical) is the default namespace.</summary>
    internal static bool IsDefault(string name) => name == Default;

    /// <summary>The key an instance is stored and addressed under: its id in the default namespace, else <c>{namespace}/{id}</c>.</summary>
    /// <param name="name">The canonical namespace.</param>
    /// <param name="instanceId">The instance id as its clients and workflows know it.</param>
    internal static string Qualify(string name, string instanceId) => IsDefault(name) ? instanceId : string.Concat(name, "/", instanceId);

    /// <summary>The instance id within its namespace of an instance key.</summary>
    internal static string LocalId(string key) => key.IndexOf(Separator, StringComparison.Ordinal) is var at and >= 0 ? key[(at + 1)..] : key;

    /// <summary>The canonical namespace of an instance key.</summary>
    internal static string NamespaceOf(string key) => key.IndexOf(Separator, StringComparison.Ordinal) is var at and >= 0 ? key[..at] : Default;

    /// <summary>The text every key in a namespace other than the default begins with.</summary>
    internal static string KeyPrefix(string name) => name + Separator;
}
