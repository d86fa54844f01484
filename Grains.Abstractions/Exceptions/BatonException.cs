namespace Baton;

/// <summary>The root of every exception Baton throws on purpose; catch a sealed subclass to handle one case.</summary>
[GenerateSerializer]
[Alias("Baton.BatonException")]
public abstract class BatonException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong, for a person.</param>
    /// <param name="inner">The underlying cause, if any.</param>
    protected BatonException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
