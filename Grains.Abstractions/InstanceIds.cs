namespace Baton;

/// <summary>The rules for instance ids.</summary>
public static class InstanceIds
{
    /// <summary>The longest id accepted, in characters.</summary>
    public const int MaxLength = 256;

    /// <summary>Throws <see cref="InvalidInstanceIdException"/> unless <paramref name="instanceId"/> is 1 to 256 characters with no control characters.</summary>
    /// <param name="instanceId">The id to check.</param>
    /// <exception cref="InvalidInstanceIdException">The id breaks a rule; the message says which.</exception>
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
            if (char.IsControl(instanceId[i]))
            {
                throw new InvalidInstanceIdException(instanceId, $"the id contains a control character (U+{(int)instanceId[i]:X4}) at position {i}.");
            }
        }
    }

    /// <summary>Makes a new random id (32 hex digits).</summary>
    /// <returns>The id.</returns>
    public static string New() => Guid.NewGuid().ToString("N");
}
