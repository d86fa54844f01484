using System.Text.Json;
using System.Text.Json.Serialization;
using Azure.Data.Tables;

namespace Baton.Silo.Storage.Azure;

/// <summary>
/// What a commit leaves to do after its transaction: the rows of its own partition that did not fit in it (a turn of more
/// than a transaction's 100 operations or 4 MiB) and its effects on other partitions. Kept in the instance's pending row or,
/// when large, in a turn record blob; the status row names it until it is done, and doing it twice changes nothing.
/// </summary>
internal sealed class AzureTurn
{
    /// <summary>The revision the commit made; its effects' message ids derive from it.</summary>
    public long Revision { get; set; }

    /// <summary>The silo that committed: the owner of the children it creates.</summary>
    public string Owner { get; set; } = "";

    public DateTime Now { get; set; }

    /// <summary>Whether the turn finished the instance: the silo lets go of it once the pending work is done.</summary>
    public bool Finished { get; set; }

    /// <summary>The rows of the instance's own partition still to write, in order.</summary>
    public List<RowWrite> Rows { get; set; } = [];

    public List<LoggedStatus> Statuses { get; set; } = [];

    public List<ChildCreation> Children { get; set; } = [];

    public List<MessageDelivery> Messages { get; set; } = [];

    [JsonIgnore]
    public bool HasEffects => Statuses.Count > 0 || Children.Count > 0 || Messages.Count > 0;

    public string ToJson() => JsonSerializer.Serialize(this);

    public static AzureTurn FromJson(string json) => JsonSerializer.Deserialize<AzureTurn>(json)!;
}

/// <summary>A child instance to create: its status row and start message, or the failure its parent gets if the id is taken.</summary>
internal sealed record ChildCreation(string Key, string Name, int Version, string Input, string Start, string? Conflict, string? Parent);

/// <summary>A message to an instance's inbox, known by its source so that a second delivery finds the first.</summary>
internal sealed record MessageDelivery(string Target, string Body, DateTime VisibleAt, string Source);

/// <summary>
/// One row written to the instance's partition: inserted (failing if the row exists), upserted (merged or replaced) or
/// deleted; its values are strings, longs, ints and booleans. A turn record holds no inserts: it is applied again after a
/// crash, so its rows are upserts.
/// </summary>
internal sealed record RowWrite(string Kind, string RowKey, Dictionary<string, JsonElement>? Values)
{
    public const string Insert = "insert";
    public const string Replace = "replace";
    public const string Merge = "merge";
    public const string Delete = "delete";

    public static RowWrite From(string kind, TableEntity entity) => new(kind, entity.RowKey,
        kind == Delete ? null : entity.Keys.Where(k => k is not ("PartitionKey" or "RowKey" or "odata.etag" or "Timestamp"))
            .ToDictionary(k => k, k => Typed(entity[k])));

    public TableTransactionAction ToAction(string partition)
    {
        var entity = new TableEntity(partition, RowKey);
        foreach (var (name, value) in Values ?? [])
        {
            entity[name] = Untyped(value);
        }

        return new TableTransactionAction(
            Kind switch
            {
                Insert => TableTransactionActionType.Add,
                Replace => TableTransactionActionType.UpsertReplace,
                Merge => TableTransactionActionType.UpsertMerge,
                _ => TableTransactionActionType.Delete,
            },
            entity,
            global::Azure.ETag.All);
    }

    /// <summary>About how many characters the row takes in a transaction.</summary>
    public long Size => RowKey.Length + 64 + (Values?.Sum(v => v.Key.Length + v.Value.GetRawText().Length) ?? 0);

    // A value keeps its type through JSON as a one-property object: {"s": text}, {"l": long}, {"i": int}, {"b": bool}.
    private static JsonElement Typed(object? value) => JsonSerializer.SerializeToElement(value switch
    {
        string s => new Dictionary<string, object> { ["s"] = s },
        long l => new Dictionary<string, object> { ["l"] = l },
        int i => new Dictionary<string, object> { ["i"] = i },
        bool b => new Dictionary<string, object> { ["b"] = b },
        _ => throw new NotSupportedException($"A row value of type {value?.GetType().Name ?? "null"} cannot be kept in a turn record."),
    });

    private static object Untyped(JsonElement value)
    {
        var property = value.EnumerateObject().Single();
        return property.Name switch
        {
            "s" => property.Value.GetString()!,
            "l" => property.Value.GetInt64(),
            "i" => property.Value.GetInt32(),
            _ => property.Value.GetBoolean(),
        };
    }
}
