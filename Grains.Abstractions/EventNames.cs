namespace Baton;

/// <summary>The rules for event names.</summary>
public static class EventNames
{
    /// <summary>The longest event name accepted, in characters.</summary>
    public const int MaxLength = 256;

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="name"/> is 1 to 256 characters with no control or invisible characters.</summary>
    /// <param name="name">The event name to check.</param>
    /// <exception cref="ArgumentException">The name breaks a rule; the message says which.</exception>
    public static void Validate(string? name) => Validate(name, "event name");

    /// <summary>Checks a name by the same rules as an event name (update names and ids follow them too).</summary>
    /// <param name="name">The name to check.</param>
    /// <param name="what">What the name is, for the message: "event name", "update id".</param>
    /// <exception cref="ArgumentException">The name breaks a rule; the message says which.</exception>
    public static void Validate(string? name, string what)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new ArgumentException($"The {what} is empty.", nameof(name));
        }

        if (name.Length > MaxLength)
        {
            throw new ArgumentException($"The {what} is {name.Length} characters long; the limit is {MaxLength}.", nameof(name));
        }

        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsControl(name[i]) || InvisibleCharacters.Contains(name[i]))
            {
                throw new ArgumentException($"The {what} contains a control or invisible character (U+{(int)name[i]:X4}) at position {i}.", nameof(name));
            }
        }
    }
}
