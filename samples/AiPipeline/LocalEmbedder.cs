using Microsoft.Extensions.AI;

namespace Baton.Samples.AiPipeline;

/// <summary>
/// The offline embedder: hashed bag of words (each word's hash picks a dimension and a sign; counts are log-scaled; the
/// vector is L2-normalised). It knows no synonyms, so it finds documents that share the question's words and nothing
/// cleverer; it stands in for a model when none is configured, and says so in its metadata.
/// </summary>
public sealed class LocalEmbedder : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The vectors' dimension.</summary>
    public const int Dimensions = 512;

    /// <summary>The name it goes by.</summary>
    public const string Name = "offline-hashing-embedder";

    private static readonly EmbeddingGeneratorMetadata Metadata = new(Name, defaultModelId: Name, defaultModelDimensions: Dimensions);

    /// <summary>One text's vector.</summary>
    public static float[] Embed(string text)
    {
        var vector = new float[Dimensions];
        foreach (var group in Words.Of(text).GroupBy(w => w, StringComparer.Ordinal))
        {
            var hash = Fnv1a(group.Key);
            vector[(int)(hash % Dimensions)] += ((hash >> 31) & 1) == 0 ? 1 + MathF.Log(group.Count()) : -(1 + MathF.Log(group.Count()));
        }

        var norm = MathF.Sqrt(vector.Sum(v => v * v));
        if (norm > 0)
        {
            for (var i = 0; i < vector.Length; i++)
            {
                vector[i] /= norm;
            }
        }

        return vector;
    }

    /// <inheritdoc />
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(v => new Embedding<float>(Embed(v)) { ModelId = Name })));

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(Metadata) ? Metadata
        : serviceKey is null && serviceType.IsInstanceOfType(this) ? this
        : null;

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private static uint Fnv1a(string word)
    {
        var hash = 2166136261u;
        foreach (var c in word)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }
}
