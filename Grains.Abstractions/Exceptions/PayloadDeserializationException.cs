namespace Baton;

/// <summary>
/// Data that reached a workflow (an event's data, a callback's result, an activity's or child's output) cannot be read
/// as the type the workflow waits for. Thrown at the wait, so the workflow may catch it; uncaught, the instance fails
/// with this detail. Only the instance that received the data is affected.
/// </summary>
public sealed class PayloadDeserializationException : BatonException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="source">What carried the data, for example "the data of event 'approval'".</param>
    /// <param name="targetType">The type the workflow asked for.</param>
    /// <param name="inner">The serializer's error.</param>
    public PayloadDeserializationException(string source, Type targetType, Exception inner)
        : base($"{char.ToUpperInvariant(source[0])}{source[1..]} cannot be read as {targetType.Name}: {inner.Message}", inner)
    {
        DataSource = source;
        TargetType = targetType.FullName ?? targetType.Name;
    }

    /// <summary>What carried the data.</summary>
    public string DataSource { get; }

    /// <summary>The full name of the type the workflow asked for.</summary>
    public string TargetType { get; }
}
