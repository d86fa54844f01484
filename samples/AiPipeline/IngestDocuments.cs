namespace Baton.Samples.AiPipeline;

/// <summary>
/// Fills the index from a folder: lists the documents, fans out one chunking step per document, embeds the chunks in
/// batches (one model request per batch, several batches at once), and removes documents that left the folder. Each
/// step is idempotent, so a retried step changes nothing twice. A second ingestion of the same folder embeds every
/// chunk again rather than tracking which vectors are current for which embedder: an embedding is cheap next to a
/// stale index.
/// </summary>
public sealed class IngestDocuments : Workflow<IngestRequest, IngestReport>
{
    /// <summary>Local file work: quick, retried briefly.</summary>
    public static readonly ActivityOptions FileStep = new()
    {
        StartToCloseTimeout = TimeSpan.FromMinutes(1),
        Retry = new RetryPolicy { MaxAttempts = 3, FirstRetryInterval = TimeSpan.FromMilliseconds(500) },
    };

    /// <summary>One embeddings request: retried patiently, as rate limits come and go.</summary>
    public static readonly ActivityOptions EmbedBatchStep = new()
    {
        StartToCloseTimeout = TimeSpan.FromMinutes(2),
        Retry = new RetryPolicy { MaxAttempts = 6, FirstRetryInterval = TimeSpan.FromSeconds(2), MaxRetryInterval = TimeSpan.FromMinutes(1) },
    };

    public override async Task<IngestReport> RunAsync(IWorkflowContext context, IngestRequest request)
    {
        context.SetCustomStatus(new { stage = "listing" });
        var documents = await context.CallActivityAsync<List<DocumentRef>>(nameof(ListDocuments), request.Folder, FileStep);

        context.SetCustomStatus(new { stage = "chunking", documents = documents.Count });
        var chunked = await context.MapAsync<DocumentRef, List<string>>(documents, nameof(ChunkDocument),
            new BatchOptions { MaxConcurrency = request.MaxParallel, Activity = FileStep });
        var chunkIds = chunked.Items.OrderBy(i => i.Index).SelectMany(i => i.Result!).ToList();

        var batches = chunkIds.Chunk(request.BatchSize).Select(ids => new ChunkBatch(ids)).ToList();
        context.SetCustomStatus(new { stage = "embedding", documents = documents.Count, chunks = chunkIds.Count, batches = batches.Count });
        await context.MapAsync<ChunkBatch, int>(batches, nameof(EmbedChunks),
            new BatchOptions { MaxConcurrency = request.MaxParallel, Activity = EmbedBatchStep });

        var removed = await context.CallActivityAsync<int>(nameof(PruneIndex), documents.Select(d => d.Id).ToList(), FileStep);
        context.SetCustomStatus(new { stage = "done", documents = documents.Count, chunks = chunkIds.Count, batches = batches.Count, removed });
        return new IngestReport(documents.Count, chunkIds.Count, batches.Count, removed);
    }
}
