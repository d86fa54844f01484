namespace Baton;

/// <summary>A workflow called an activity name that is not registered with this host.</summary>
/// <param name="activityName">The name that was called.</param>
public sealed class ActivityNotRegisteredException(string activityName)
    : BatonException($"No activity named '{activityName}' is registered.")
{
    /// <summary>The name that was called.</summary>
    public string ActivityName { get; } = activityName;
}
