using Microsoft.Extensions.AI;

namespace Baton.Samples.AiPipeline;

/// <summary>Lists the <c>.md</c> and <c>.txt</c> documents under a folder (relative paths are from the sample's folder).</summary>
public sealed class ListDocuments : Activity<string, IReadOnlyList<DocumentRef>>
{
    public override Task<IReadOnlyList<DocumentRef>> RunAsync(ActivityContext context, string folder)
    {
        var root = Path.GetFullPath(folder, AppContext.BaseDirectory);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"The documents folder '{root}' does not exist.");
        }

        IReadOnlyList<DocumentRef> documents = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".md", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".txt", StringComparison.OrdinalIgnoreCase))
            .Select(f => new DocumentRef(Path.GetRelativePath(root, f).Replace('\\', '/'), f))
            .OrderBy(d => d.Id, StringComparer.Ordinal)
            .ToList();
        return Task.FromResult(documents);
    }
}

/// <summary>Splits one document into chunks and stores their texts in the index; answers the chunk ids.</summary>
public sealed class ChunkDocument(DocumentIndex index) : Activity<DocumentRef, IReadOnlyList<string>>
{
    public override async Task<IReadOnlyList<string>> RunAsync(ActivityContext context, DocumentRef document)
    {
        var text = await File.ReadAllTextAsync(document.Path, context.CancellationToken);
        return await index.ReplaceDocumentAsync(document.Id, TextChunker.Split(text), context.CancellationToken);
    }
}

/// <summary>Embeds one batch of chunks in one request to the embedder and stores the vectors; answers how many.</summary>
public sealed class EmbedChunks(IEmbeddingGenerator<string, Embedding<float>> embedder, DocumentIndex index) : Activity<ChunkBatch, int>
{
    public override async Task<int> RunAsync(ActivityContext context, ChunkBatch batch)
    {
        var chunks = await index.ReadChunksAsync(batch.ChunkIds, context.CancellationToken);
        if (chunks.Count == 0)
        {
            return 0;
        }

        var embeddings = await embedder.GenerateAsync(chunks.Select(c => c.Text), cancellationToken: context.CancellationToken);
        if (embeddings.Count != chunks.Count)
        {
            throw new InvalidOperationException($"The embedder answered {embeddings.Count} vectors for {chunks.Count} texts.");
        }

        await index.StoreVectorsAsync(chunks.Select((c, i) => (c.Id, embeddings[i].Vector)).ToList(), context.CancellationToken);
        return chunks.Count;
    }
}

/// <summary>Removes from the index every document not in the list just ingested; answers how many it removed.</summary>
public sealed class PruneIndex(DocumentIndex index) : Activity<IReadOnlyList<string>, int>
{
    public override Task<int> RunAsync(ActivityContext context, IReadOnlyList<string> keep) =>
        index.RemoveDocumentsExceptAsync(keep.ToHashSet(StringComparer.Ordinal), context.CancellationToken);
}
