using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Baton.Samples.AiPipeline;

/// <summary>The body of <c>POST /api/pipeline/start</c>, and the input of <see cref="AnswerQuestion"/>.</summary>
public sealed record PipelineQuestion
{
    /// <summary>What to answer from the indexed documents.</summary>
    [JsonPropertyName("question")]
    [Required]
    [StringLength(2000, MinimumLength = 3)]
    public string Question { get; init; } = "";

    /// <summary>How many chunks the search returns to the answerer.</summary>
    [JsonPropertyName("top_k")]
    [Range(1, 20)]
    public int TopK { get; init; } = 3;
}

/// <summary>The answer to a start, under the names the Durable Functions AI recipe uses.</summary>
/// <param name="InstanceId">The workflow instance.</param>
/// <param name="StatusQueryGetUri">Where to read its status and, once it completes, its answer.</param>
public sealed record PipelineStarted(
    [property: JsonPropertyName("instance_id")] string InstanceId,
    [property: JsonPropertyName("status_query_get_uri")] string StatusQueryGetUri);

/// <summary>One chunk the search found: a reference to it, not its text.</summary>
/// <param name="ChunkId">The chunk, <c>{document}#{ordinal}</c>.</param>
/// <param name="Document">The document it belongs to (its path in the ingested folder).</param>
/// <param name="Score">Cosine similarity to the question.</param>
public sealed record SearchHit(string ChunkId, string Document, double Score);

/// <summary>What the search step is given: a reference to the question's stored vector, and how many hits to return.</summary>
public sealed record SearchRequest(string VectorRef, int TopK);

/// <summary>What the generate step is given: the question and the hits whose text it loads itself.</summary>
public sealed record GenerateRequest(string Question, IReadOnlyList<SearchHit> Hits);

/// <summary>The pipeline's output.</summary>
/// <param name="Answer">The answer.</param>
/// <param name="Sources">The chunks it was drawn from, best first.</param>
/// <param name="AnsweredBy">The model that wrote it, or <c>offline-extractive</c> when no model is configured.</param>
public sealed record PipelineAnswer(string Answer, IReadOnlyList<SearchHit> Sources, string AnsweredBy);

/// <summary>The input of <see cref="IngestDocuments"/>.</summary>
public sealed record IngestRequest
{
    /// <summary>The folder of <c>.md</c> and <c>.txt</c> documents; relative paths are from the sample's folder.</summary>
    [Required]
    public string Folder { get; init; } = "documents";

    /// <summary>Chunks per embeddings request.</summary>
    [Range(1, 2048)]
    public int BatchSize { get; init; } = 16;

    /// <summary>Documents chunked, and batches embedded, at once.</summary>
    [Range(1, 64)]
    public int MaxParallel { get; init; } = 4;
}

/// <summary>One document to ingest.</summary>
/// <param name="Id">Its path relative to the folder, with forward slashes; chunk ids start with it.</param>
/// <param name="Path">Its full path.</param>
public sealed record DocumentRef(string Id, string Path);

/// <summary>Chunks embedded in one request.</summary>
public sealed record ChunkBatch(IReadOnlyList<string> ChunkIds);

/// <summary>What an ingestion did.</summary>
public sealed record IngestReport(int Documents, int Chunks, int Batches, int Removed);
