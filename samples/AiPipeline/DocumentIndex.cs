using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace Baton.Samples.AiPipeline;

/// <summary>
/// The pipeline's document store and vector index, in a SQLite file of its own: chunk texts and their embeddings, and the
/// questions' vectors that workflow steps pass to each other by reference. Search is exact (cosine over every vector),
/// from a snapshot kept in memory until the next write; plenty for thousands of chunks, and no approximation to explain.
/// </summary>
public sealed class DocumentIndex
{
    private readonly string _connectionString;
    private readonly Lock _snapshotLock = new();
    private long _version;
    private (long Version, IndexedChunk[] Chunks)? _snapshot;

    /// <param name="path">The SQLite file; created with its tables when missing.</param>
    public DocumentIndex(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString();
        using var connection = Open();
        Execute(connection, """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS chunks (
                id TEXT PRIMARY KEY, document TEXT NOT NULL, ordinal INTEGER NOT NULL, text TEXT NOT NULL, vector BLOB);
            CREATE INDEX IF NOT EXISTS chunks_by_document ON chunks (document, ordinal);
            CREATE TABLE IF NOT EXISTS query_vectors (ref TEXT PRIMARY KEY, vector BLOB NOT NULL, created TEXT NOT NULL);
            """);
    }

    /// <summary>
    /// Makes <paramref name="texts"/> the document's chunks: a chunk whose text is unchanged keeps its vector, a changed one
    /// loses it (to be embedded again), and chunks past the new end are removed. Idempotent, so a retried step is harmless.
    /// </summary>
    /// <returns>The chunk ids, in order.</returns>
    public async Task<IReadOnlyList<string>> ReplaceDocumentAsync(string document, IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var transaction = connection.BeginTransaction();
        var ids = new List<string>(texts.Count);
        for (var i = 0; i < texts.Count; i++)
        {
            var id = $"{document}#{i}";
            ids.Add(id);
            await using var upsert = Command(connection, """
                INSERT INTO chunks (id, document, ordinal, text) VALUES ($id, $document, $ordinal, $text)
                ON CONFLICT (id) DO UPDATE SET text = excluded.text,
                    vector = CASE WHEN chunks.text = excluded.text THEN chunks.vector ELSE NULL END
                """, ("$id", id), ("$document", document), ("$ordinal", i), ("$text", texts[i]));
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var trim = Command(connection, "DELETE FROM chunks WHERE document = $document AND ordinal >= $count", ("$document", document), ("$count", texts.Count)))
        {
            await trim.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        Interlocked.Increment(ref _version);
        return ids;
    }

    /// <summary>Removes every document not in <paramref name="keep"/>.</summary>
    /// <returns>How many documents it removed.</returns>
    public async Task<int> RemoveDocumentsExceptAsync(IReadOnlyCollection<string> keep, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var transaction = connection.BeginTransaction();
        var gone = new List<string>();
        await using (var list = Command(connection, "SELECT DISTINCT document FROM chunks"))
        await using (var reader = await list.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                if (!keep.Contains(reader.GetString(0)))
                {
                    gone.Add(reader.GetString(0));
                }
            }
        }

        foreach (var document in gone)
        {
            await using var delete = Command(connection, "DELETE FROM chunks WHERE document = $document", ("$document", document));
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        Interlocked.Increment(ref _version);
        return gone.Count;
    }

    /// <summary>The texts of the given chunks, in the order asked; a chunk that no longer exists is left out.</summary>
    public async Task<IReadOnlyList<(string Id, string Text)>> ReadChunksAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var id in ids.Distinct())
        {
            await using var read = Command(connection, "SELECT text FROM chunks WHERE id = $id", ("$id", id));
            if (await read.ExecuteScalarAsync(cancellationToken) is string text)
            {
                found[id] = text;
            }
        }

        return ids.Where(found.ContainsKey).Select(id => (id, found[id])).ToList();
    }

    /// <summary>Stores the chunks' vectors.</summary>
    public async Task StoreVectorsAsync(IReadOnlyList<(string Id, ReadOnlyMemory<float> Vector)> vectors, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var transaction = connection.BeginTransaction();
        foreach (var (id, vector) in vectors)
        {
            await using var update = Command(connection, "UPDATE chunks SET vector = $vector WHERE id = $id", ("$id", id), ("$vector", ToBlob(vector.Span)));
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        Interlocked.Increment(ref _version);
    }

    /// <summary>
    /// Stores a question's vector under <paramref name="reference"/> (replacing it, so a retried step is harmless), and drops
    /// the vectors of questions asked more than a day ago: their searches are long done.
    /// </summary>
    public async Task PutQueryVectorAsync(string reference, ReadOnlyMemory<float> vector, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using (var prune = Command(connection, "DELETE FROM query_vectors WHERE created < $before", ("$before", DateTime.UtcNow.AddDays(-1).ToString("O"))))
        {
            await prune.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var put = Command(connection, "INSERT OR REPLACE INTO query_vectors (ref, vector, created) VALUES ($ref, $vector, $created)",
            ("$ref", reference), ("$vector", ToBlob(vector.Span)), ("$created", DateTime.UtcNow.ToString("O")));
        await put.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <exception cref="KeyNotFoundException">No vector is stored under <paramref name="reference"/>.</exception>
    public async Task<float[]> ReadQueryVectorAsync(string reference, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var read = Command(connection, "SELECT vector FROM query_vectors WHERE ref = $ref", ("$ref", reference));
        return await read.ExecuteScalarAsync(cancellationToken) is byte[] blob
            ? FromBlob(blob)
            : throw new KeyNotFoundException($"No question vector is stored under '{reference}'.");
    }

    /// <summary>The <paramref name="topK"/> chunks most similar to <paramref name="query"/>, best first; none that is not similar at all.</summary>
    /// <exception cref="InvalidOperationException">Chunks are indexed, but none with vectors of the query's dimension (the embedder changed: ingest again).</exception>
    public async Task<IReadOnlyList<SearchHit>> SearchAsync(ReadOnlyMemory<float> query, int topK, CancellationToken cancellationToken)
    {
        var chunks = await SnapshotAsync(cancellationToken);
        var comparable = chunks.Where(c => c.Vector.Length == query.Length).ToArray();
        if (comparable.Length == 0 && chunks.Length > 0)
        {
            throw new InvalidOperationException(
                $"The index holds {chunks.Length} embedded chunks, none of dimension {query.Length}: the embedder changed since they were ingested. Run the ingestion again.");
        }

        var q = query.ToArray();
        var queryNorm = Math.Sqrt(Dot(q, q));
        return comparable
            .Select(c => new SearchHit(c.Id, c.Document, Dot(q, c.Vector) / (queryNorm * c.Norm + 1e-12)))
            .Where(h => h.Score > 0)
            .OrderByDescending(h => h.Score).ThenBy(h => h.ChunkId, StringComparer.Ordinal)
            .Take(topK)
            .ToList();
    }

    /// <summary>How many chunks are indexed, and how many of them have vectors.</summary>
    public async Task<(int Chunks, int Embedded)> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var count = Command(connection, "SELECT COUNT(*), COUNT(vector) FROM chunks");
        await using var reader = await count.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt32(0), reader.GetInt32(1));
    }

    private async Task<IndexedChunk[]> SnapshotAsync(CancellationToken cancellationToken)
    {
        var version = Interlocked.Read(ref _version);
        lock (_snapshotLock)
        {
            if (_snapshot is { } current && current.Version == version)
            {
                return current.Chunks;
            }
        }

        var chunks = new List<IndexedChunk>();
        await using (var connection = Open())
        await using (var all = Command(connection, "SELECT id, document, vector FROM chunks WHERE vector IS NOT NULL"))
        await using (var reader = await all.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var vector = FromBlob((byte[])reader.GetValue(2));
                chunks.Add(new IndexedChunk(reader.GetString(0), reader.GetString(1), vector, Math.Sqrt(Dot(vector, vector))));
            }
        }

        var snapshot = chunks.ToArray();
        lock (_snapshotLock)
        {
            _snapshot = (version, snapshot);
        }

        return snapshot;
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = Command(connection, sql);
        command.ExecuteNonQuery();
    }

    private static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * (double)b[i];
        }

        return sum;
    }

    private static byte[] ToBlob(ReadOnlySpan<float> vector) => MemoryMarshal.AsBytes(vector).ToArray();

    private static float[] FromBlob(byte[] blob) => MemoryMarshal.Cast<byte, float>(blob).ToArray();

    private sealed record IndexedChunk(string Id, string Document, float[] Vector, double Norm);
}
