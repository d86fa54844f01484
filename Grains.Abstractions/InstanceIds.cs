namespace Baton;

/// <summary>The rules for instance ids.</summary>
public static class InstanceIds
{
    /// <summary>The longest id accepted, in characters.</summary>
    public const int MaxLength = 256;

    /// <summary>
    /// Throws <see cref="InvalidInstanceIdException"/> unless <paramref name="instanceId"/> is 1 to 256 characters with no
    /// control or invisible characters (format characters such as zero-width spaces and direction overrides, line and
    /// paragraph separators) and none of <c>/ \ # ?</c>, which Durable Functions refuses too: they would make the
    /// management URIs handed out for the instance address another one.
    /// </summary>
    /// <param name="instanceId">The id to check.</param>
    /// <exception cref="InvalidInstanceIdException">The id breaks a rule; the message says which, and where.</exception>
    public static void Validate(string? instanceId)
    {
        if (string.IsNullOrEmpty(instanceId))
        {
            throw new InvalidInstanceIdException(instanceId, "the id is empty.");
        }

        if (instanceId.Length > MaxLength)
        {
            throw new InvalidInstanceIdException(instanceId[..32] + "…", $"the id is {instanceId.Length} characters long; the limit is {MaxLength}.");
        }

        for (var i = 0; i < instanceId.Length; i++)
        {
            var c = instanceId[i];
            if (char.IsControl(c))
            {
                throw new InvalidInstanceIdException(instanceId, $"the id contains a control character (U+{(int)c:X4}) at position {i}.");
            }

            if (c is '/' or '\\' or '#' or '?')
            {
                throw new InvalidInstanceIdException(instanceId, $"the id contains '{c}' at position {i}; '/', '\\', '#' and '?' are not allowed in instance ids, as in Durable Functions.");
            }

            if (InvisibleCharacters.Contains(c))
            {
                throw new InvalidInstanceIdException(instanceId, $"the id contains an invisible character (U+{(int)c:X4}) at position {i}.");
            }
        }
    }

    /// <summary>
    /// Makes a new id (32 hex digits): a version 7 UUID, its creation time first and 74 random bits after. Ids made one
    /// after another sort together, so the rows of the instances running at one time share the last pages of the store's
    /// indexes, and a commit of many turns writes a few pages, not a few for each (random ids wrote about 100 KB of pages
    /// per five-step workflow to SQLite's journal).
    /// </summary>
    /// <returns>The id.</returns>
    public static string New() => Guid.CreateVersion7().ToString("N");
}
