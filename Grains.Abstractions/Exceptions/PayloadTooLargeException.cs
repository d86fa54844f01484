namespace Baton;

/// <summary>A payload (input, output, result or event data) is larger than the configured limit for one payload.</summary>
/// <param name="what">Which payload, for example "the input of workflow 'Order'".</param>
/// <param name="bytes">Its size in UTF-8 bytes.</param>
/// <param name="limit">The limit in bytes.</param>
[GenerateSerializer]
[Alias("Baton.PayloadTooLargeException")]
public sealed class PayloadTooLargeException(string what, long bytes, long limit)
    : BatonException($"{char.ToUpperInvariant(what[0])}{what[1..]} is {bytes:N0} bytes, more than the limit of {limit:N0} bytes for one payload.")
{
    /// <summary>Which payload.</summary>
    [Id(0)]
    public string What { get; } = what;

    /// <summary>Its size in UTF-8 bytes.</summary>
    [Id(1)]
    public long Bytes { get; } = bytes;

    /// <summary>The limit in bytes.</summary>
    [Id(2)]
    public long Limit { get; } = limit;
}
