namespace Baton.Grains.Replay;

/// <summary>What an executor needs from its host beyond the registry: the payload limit and the callback signer.</summary>
/// <param name="MaxPayloadBytes">The largest payload (input, output, result, event data) in UTF-8 bytes.</param>
/// <param name="CallbackTokens">Signs callback tokens; null where callbacks are not available.</param>
public sealed record ExecutorSettings(long MaxPayloadBytes, CallbackTokens? CallbackTokens)
{
    /// <summary>Which workflows each namespace runs; null where every registered workflow runs everywhere.</summary>
    internal Registry.NamespaceCatalog? Namespaces { get; init; }

    /// <summary>The default limit and no callback signer.</summary>
    public static ExecutorSettings Default { get; } = new(PayloadLimit.DefaultMaxBytes, null);
}
