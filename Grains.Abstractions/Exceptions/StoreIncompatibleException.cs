namespace Baton;

/// <summary>The store cannot be opened: the file is corrupt, belongs to another program, or was made with another configuration.</summary>
/// <param name="location">The store's location (a file path or a connection's data source).</param>
/// <param name="reason">What is wrong with it.</param>
/// <param name="inner">The underlying error, if any.</param>
public sealed class StoreIncompatibleException(string location, string reason, Exception? inner = null)
    : BatonException($"The store at '{location}' cannot be used: {reason}", inner)
{
    /// <summary>The store's location.</summary>
    public string Location { get; } = location;
}
