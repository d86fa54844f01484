using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Baton.Grains.Storage;
using Baton.History;
using Baton.Serialization;

namespace Baton.Silo.Storage.Azure;

/// <summary>
/// The store of a cluster on Azure Storage. Each instance is one partition of the instances table (its status row, history,
/// inbox, work items and callbacks), so that a turn commits in one entity-group transaction fenced by the status row's
/// ETag. What lies outside the partition — other instances' inboxes, children, the status event log — is written after
/// the commit from a pending-effects record the commit wrote, which whoever reads the instance next finishes if the
/// committing silo died first. The index table holds hints for the queries no partition answers (work by queue, messages
/// by due time, instances by owner, listing by creation): written before the fact, checked against the partition when
/// read, and dropped when stale. Payloads and texts too large for a table property live in blobs.
/// </summary>
internal sealed partial class AzureWorkflowStore : IWorkflowStore
{
    /// <summary>Azure holds at most 32K UTF-16 characters in a string property; longer texts go to a blob.</summary>
    private const int MaxInlineChars = 30_000;

    /// <summary>An entity-group transaction holds at most 100 operations; one of them is the fence on the status row.</summary>
    private const int MaxOperationsPerTransaction = 100;

    /// <summary>An entity-group transaction carries at most 4 MiB; a turn above this many characters goes through a turn record.</summary>
    private const long MaxTransactionChars = 1_500_000;

    private const int FenceCacheLimit = 200_000;
    private const string SpillMarker = "\u0001spill:";

    private readonly AzureStoreOptions _options;
    private readonly PayloadOffloader _payloads;
    private readonly TableServiceClient _tableService;
    private readonly AzureBlobs _blobs;
    private readonly ConcurrentDictionary<string, Fence> _fences = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Key, int StepId), string> _workQueues = new();
    private readonly SemaphoreSlim _initLock = new(1, 1);
    private AzureStatusLog? _log;
    private bool _initialized;

    public AzureWorkflowStore(AzureStoreOptions options, long largePayloadThresholdBytes, IPayloadCodec? codec = null)
    {
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new ArgumentException("The Azure Storage store needs a connection string (AzureStoreOptions.ConnectionString).", nameof(options));
        }

        if (string.IsNullOrEmpty(options.TablePrefix) || !char.IsAsciiLetter(options.TablePrefix[0]) || !options.TablePrefix.All(char.IsAsciiLetterOrDigit) || options.TablePrefix.Length > 40)
        {
            throw new ArgumentException($"The Azure Storage table prefix '{options.TablePrefix}' must be 1 to 40 letters and digits, starting with a letter.", nameof(options));
        }

        _options = options;
        _payloads = new PayloadOffloader(largePayloadThresholdBytes, codec);
        _tableService = new TableServiceClient(options.ConnectionString);
        Instances = _tableService.GetTableClient(options.TablePrefix + "Instances");
        Index = _tableService.GetTableClient(options.TablePrefix + "Index");
        Log = _tableService.GetTableClient(options.TablePrefix + "Log");
        _blobs = new AzureBlobs(options.ConnectionString, options.TablePrefix.ToLowerInvariant() + "-blobs");
        Location = $"{_tableService.AccountName} ({Instances.Uri.GetLeftPart(UriPartial.Authority)}), tables {options.TablePrefix}*";
    }

    public string Location { get; }

    public byte[] ClusterSecret { get; private set; } = [];

    internal TableClient Instances { get; }

    internal TableClient Index { get; }

    internal TableClient Log { get; }

    /// <summary>Creates the tables and the container when they are missing, and checks (or writes) the store's marker row.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _initLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_initialized)
            {
                return;
            }

            try
            {
                await Task.WhenAll(
                    Instances.CreateIfNotExistsAsync(cancellationToken),
                    Index.CreateIfNotExistsAsync(cancellationToken),
                    Log.CreateIfNotExistsAsync(cancellationToken),
                    _blobs.CreateAsync(cancellationToken)).ConfigureAwait(false);
                ClusterSecret = await AzureSchema.EnsureAsync(Index, Location, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException ex)
            {
                throw new StoreIncompatibleException(Location, $"Azure Storage refused the store's set-up ({ex.Status} {ex.ErrorCode}): {ex.Message}", ex);
            }

            _log = new AzureStatusLog(Log);
            _initialized = true;
        }
        finally
        {
            _initLock.Release();
        }
    }

    public async Task<InstanceRow?> GetInstanceAsync(string instanceId, CancellationToken cancellationToken)
    {
        var entity = await ReadInstanceEntityAsync(instanceId, cancellationToken).ConfigureAwait(false);
        return entity is null ? null : await ToRowAsync(entity, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken cancellationToken) =>
        (await GetHistoryAfterAsync(instanceId, -1, int.MaxValue, cancellationToken).ConfigureAwait(false)).Select(e => e.Event).ToList();

    public async Task<IReadOnlyList<(long Position, HistoryEvent Event)>> GetHistoryAfterAsync(string instanceId, long afterPosition, int limit, CancellationToken cancellationToken)
    {
        await FinishPendingAsync(instanceId, rowsOnly: true, cancellationToken).ConfigureAwait(false);
        var pk = AzureKeys.Escape(instanceId);
        var from = AzureKeys.History(Math.Max(afterPosition + 1, 0));
        var events = new List<(long, HistoryEvent)>();
        await foreach (var entity in Instances.QueryAsync<TableEntity>(
            $"PartitionKey eq '{Quote(pk)}' and RowKey ge '{from}' and RowKey lt '{AzureKeys.After(AzureKeys.HistoryPrefix)}'",
            maxPerPage: 1000, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var position = long.Parse(entity.RowKey.AsSpan(1), CultureInfo.InvariantCulture);
            events.Add((position, await ReadEventAsync(instanceId, entity.GetString("Event"), cancellationToken).ConfigureAwait(false)));
            if (events.Count >= limit)
            {
                break;
            }
        }

        return events;
    }

    public async Task<IReadOnlyList<InboxMessage>> GetMessagesAsync(string instanceId, int limit, CancellationToken cancellationToken)
    {
        await FinishPendingAsync(instanceId, rowsOnly: true, cancellationToken).ConfigureAwait(false);
        var live = new List<(long Id, long VisibleAt, string Body)>();
        await foreach (var entity in QueryRangeAsync(instanceId, AzureKeys.MessagePrefix, "Gone ne true", cancellationToken).ConfigureAwait(false))
        {
            live.Add((long.Parse(entity.RowKey.AsSpan(1), CultureInfo.InvariantCulture), entity.GetInt64("VisibleAt")!.Value, entity.GetString("Body")));
        }

        var messages = new List<InboxMessage>();
        foreach (var (id, visibleAt, body) in live.OrderBy(m => m.VisibleAt).ThenBy(m => m.Id).Take(limit))
        {
            messages.Add(new InboxMessage(id, instanceId, new DateTime(visibleAt, DateTimeKind.Utc), await ReadEventAsync(instanceId, body, cancellationToken).ConfigureAwait(false)));
        }

        return messages;
    }

    public async ValueTask DisposeAsync()
    {
        if (_log is not null)
        {
            await _log.DisposeAsync().ConfigureAwait(false);
        }

        _initLock.Dispose();
    }

    /// <summary>An OData string literal's content: single quotes doubled.</summary>
    internal static string Quote(string value) => value.Replace("'", "''", StringComparison.Ordinal);

    private AzureStatusLog StatusLog => _log ?? throw new InvalidOperationException("The store is not initialized.");

    /// <summary>The rows of an instance's partition whose keys begin with <paramref name="prefix"/>, with an optional further filter.</summary>
    private IAsyncEnumerable<TableEntity> QueryRangeAsync(string instanceId, string prefix, string? filter, CancellationToken cancellationToken, IEnumerable<string>? select = null) =>
        Instances.QueryAsync<TableEntity>(
            $"PartitionKey eq '{Quote(AzureKeys.Escape(instanceId))}' and RowKey ge '{prefix}' and RowKey lt '{AzureKeys.After(prefix)}'" + (filter is null ? "" : " and " + filter),
            maxPerPage: 1000, select: select, cancellationToken: cancellationToken);

    private async Task<TableEntity?> ReadInstanceEntityAsync(string instanceId, CancellationToken cancellationToken)
    {
        var response = await Instances.GetEntityIfExistsAsync<TableEntity>(AzureKeys.Escape(instanceId), AzureKeys.Instance, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!response.HasValue)
        {
            _fences.TryRemove(instanceId, out _);
            return null;
        }

        Remember(instanceId, response.Value!);
        return response.Value;
    }

    /// <summary>The status row as the runtime reads it, its large texts and payloads resolved.</summary>
    private async Task<InstanceRow> ToRowAsync(TableEntity e, CancellationToken cancellationToken)
    {
        var key = e.GetString("Key");
        var completed = e.GetInt64("CompletedAt") ?? 0;
        var failure = await ReadTextAsync(key, e.GetString("Failure"), cancellationToken).ConfigureAwait(false);
        return new InstanceRow(
            key,
            e.GetString("Name"),
            (WorkflowRuntimeStatus)e.GetInt32("Status")!.Value,
            new DateTime(e.GetInt64("CreatedAt")!.Value, DateTimeKind.Utc),
            new DateTime(e.GetInt64("UpdatedAt")!.Value, DateTimeKind.Utc),
            completed == 0 ? null : new DateTime(completed, DateTimeKind.Utc),
            await ReadPayloadAsync(key, e.GetString("Input"), cancellationToken).ConfigureAwait(false),
            await ReadPayloadAsync(key, e.GetString("Output"), cancellationToken).ConfigureAwait(false),
            failure is null ? null : JsonSerializer.Deserialize<FailureDetails>(failure, BatonJson.Options))
        {
            Version = e.GetInt32("Version") ?? 1,
            ParentInstanceId = NullIfEmpty(e.GetString("Parent")),
            CustomStatus = await ReadTextAsync(key, e.GetString("CustomStatus"), cancellationToken).ConfigureAwait(false),
            StatusReason = await ReadTextAsync(key, e.GetString("StatusReason"), cancellationToken).ConfigureAwait(false),
            Revision = e.GetInt64("Revision") ?? 0,
            Owner = e.GetBoolean("Held") == true ? e.GetString("Owner") ?? "" : null,
        };
    }

    /// <summary>A stored event: deserialised, its payload references and spilled text resolved.</summary>
    private async Task<HistoryEvent> ReadEventAsync(string instanceId, string stored, CancellationToken cancellationToken)
    {
        var json = await ReadTextAsync(instanceId, stored, cancellationToken).ConfigureAwait(false) ?? "null";
        var e = JsonSerializer.Deserialize<HistoryEvent>(json, BatonJson.Options)!;
        if (!PayloadOffloader.MayReference(json))
        {
            return e;
        }

        var loaded = new Dictionary<string, string>(StringComparer.Ordinal);
        HistoryPayloads.Map(e, payload =>
        {
            if (PayloadOffloader.ReferencedHash(payload) is { } hash)
            {
                loaded[hash] = "";
            }

            return payload;
        });
        foreach (var hash in loaded.Keys.ToList())
        {
            loaded[hash] = await _blobs.ReadAsync(AzureBlobs.Payload(instanceId, hash), cancellationToken).ConfigureAwait(false);
        }

        return _payloads.Resolve(e, hash => loaded[hash]);
    }

    private async Task<string?> ReadPayloadAsync(string instanceId, string? stored, CancellationToken cancellationToken)
    {
        var json = await ReadTextAsync(instanceId, stored, cancellationToken).ConfigureAwait(false);
        if (PayloadOffloader.ReferencedHash(json) is { } hash)
        {
            var payload = await _blobs.ReadAsync(AzureBlobs.Payload(instanceId, hash), cancellationToken).ConfigureAwait(false);
            return _payloads.Resolve(json, _ => payload);
        }

        return _payloads.Resolve(json, _ => throw new InvalidOperationException("unreachable"));
    }

    /// <summary>A stored text: null for the empty string (how the store writes null), a spilled one read from its blob.</summary>
    private async Task<string?> ReadTextAsync(string instanceId, string? stored, CancellationToken cancellationToken) =>
        string.IsNullOrEmpty(stored) ? null
        : stored.StartsWith(SpillMarker, StringComparison.Ordinal)
            ? await _blobs.ReadAsync(AzureBlobs.Spill(instanceId, stored[SpillMarker.Length..]), cancellationToken).ConfigureAwait(false)
            : stored;

    /// <summary>A text as it is stored: the empty string for null, a spill marker (its blob added to <paramref name="blobs"/>) when too long.</summary>
    private static string Store(string instanceId, string? text, List<(string Path, string Text)> blobs)
    {
        if (text is null)
        {
            return "";
        }

        if (text.Length <= MaxInlineChars)
        {
            return text;
        }

        var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
        blobs.Add((AzureBlobs.Spill(instanceId, hash), text));
        return SpillMarker + hash;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>What the store last saw of an instance's status row: its revision, ETag and status, to fence the next commit.</summary>
    private sealed record Fence(long Revision, ETag ETag, WorkflowRuntimeStatus Status, string Name, bool Pending);

    private void Remember(string instanceId, TableEntity entity)
    {
        if (_fences.Count > FenceCacheLimit)
        {
            _fences.Clear();
        }

        _fences[instanceId] = new Fence(entity.GetInt64("Revision") ?? 0, entity.ETag, (WorkflowRuntimeStatus)(entity.GetInt32("Status") ?? 0), entity.GetString("Name") ?? "",
            !string.IsNullOrEmpty(entity.GetString("Pending")));
    }
}
