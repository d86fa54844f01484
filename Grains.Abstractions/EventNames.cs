namespace Baton;

/// <summary>The rules for event names.</summary>
public static class EventNames
{
    /// <summary>The longest event name accepted, in characters.</summary>
    public const int MaxLength = 256;

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="name"/> is 1 to 256 characters with no control or invisible characters.</summary>
    /// <param name="name">The event name to check.</param>
    /// <exception cref="ArgumentException">The name breaks a rule; the message says which.</exception>
    public static void Validate(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new ArgumentException("The event name is empty.", nameof(name));
        }

        if (name.Length > MaxLength)
        {
            throw new ArgumentException($"The event name is {name.Length} characters long; the limit is {MaxLength}.", nameof(name));
        }

        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsControl(name[i]) || InvisibleCharacters.Contains(name[i]))
            {
                throw new ArgumentException($"The event name contains a control or invisible character (U+{(int)name[i]:X4}) at position {i}.", nameof(name));
            }
        }
    }
}
