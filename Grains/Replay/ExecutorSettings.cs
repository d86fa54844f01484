namespace Baton.Grains.Replay;

/// <summary>What an executor needs from its host beyond the registry: the payload limit and the callback signer.</summary>
/// <param name="MaxPayloadBytes">The largest payload (input, output, result, event data) in UTF-8 bytes.</param>
/// <param name="CallbackTokens">Signs callback tokens; null where callbacks are not available.</param>
public sealed record ExecutorSettings(long MaxPayloadBytes, CallbackTokens? CallbackTokens)
{
    /// <summary>The default limit and no callback signer.</summary>
    public static ExecutorSettings Default { get; } = new(PayloadLimit.DefaultMaxBytes, null);
}
