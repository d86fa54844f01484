using System.Text.Json;
using Baton.Serialization;

namespace Baton.Grains.Replay;

/// <summary>Completes a wait with data read as the type it waits for, or with a typed exception when the data is not that type.</summary>
internal static class PayloadCompletion
{
    /// <summary>Deserialises <paramref name="json"/> into the wait's result; data of the wrong shape fails the wait, not the instance's turn.</summary>
    /// <param name="source">The wait's task source.</param>
    /// <param name="json">The data as JSON, or null.</param>
    /// <param name="describe">What carried the data, for the message.</param>
    public static void Complete<T>(this TaskCompletionSource<T> source, string? json, string describe)
    {
        T value;
        try
        {
            value = BatonJson.Deserialize<T>(json)!;
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or FormatException)
        {
            source.TrySetException(new PayloadDeserializationException(describe, typeof(T), ex));
            return;
        }

        source.TrySetResult(value);
    }
}
