using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Baton.Grains.Storage;
using Baton.Serialization;
using Orleans.Runtime;

namespace Baton.Silo.Storage;

/// <summary>The rows both stores read back, mapped from either provider's reader: the columns and their order are the same in both schemas.</summary>
internal static class StoredRows
{
    /// <summary>The instance columns in the order <see cref="Instance"/> reads them.</summary>
    public const string InstanceColumns =
        "instance_id, name, status, created_at, updated_at, completed_at, input, output, failure, version, parent_instance_id, custom_status, status_reason, revision, owner";

    /// <summary>The status event columns in the order <see cref="StatusEvent"/> reads them.</summary>
    public const string StatusEventColumns = "seq, instance_id, name, status, previous_status, at, reason";

    /// <summary>The reminder columns in the order <see cref="Reminder"/> reads them.</summary>
    public const string ReminderColumns = "grain_id, name, start_at, period_ms, etag";

    /// <summary>An instance row as stored: its input and output may still be payload references.</summary>
    public static InstanceRow Instance(DbDataReader reader) =>
        new(
            reader.GetString(0),
            reader.GetString(1),
            (WorkflowRuntimeStatus)reader.GetInt32(2),
            Time(reader, 3),
            Time(reader, 4),
            reader.IsDBNull(5) ? null : Time(reader, 5),
            Text(reader, 6),
            Text(reader, 7),
            reader.IsDBNull(8) ? null : JsonSerializer.Deserialize<FailureDetails>(reader.GetString(8), BatonJson.Options))
        {
            Version = reader.GetInt32(9),
            ParentInstanceId = Text(reader, 10),
            CustomStatus = Text(reader, 11),
            StatusReason = Text(reader, 12),
            Revision = reader.GetInt64(13),
            Owner = Text(reader, 14),
        };

    /// <summary>A status event, naming its instance by its id and namespace rather than by its key.</summary>
    public static WorkflowStatusEvent StatusEvent(DbDataReader reader)
    {
        var key = reader.GetString(1);
        return new(
            reader.GetInt64(0),
            WorkflowNamespaces.LocalId(key),
            reader.GetString(2),
            (WorkflowRuntimeStatus)reader.GetInt32(3),
            reader.IsDBNull(4) ? null : (WorkflowRuntimeStatus)reader.GetInt32(4),
            Time(reader, 5),
            Text(reader, 6))
        {
            Namespace = WorkflowNamespaces.NamespaceOf(key),
        };
    }

    public static ReminderEntry Reminder(DbDataReader reader) =>
        new()
        {
            GrainId = GrainId.Parse(reader.GetString(0)),
            ReminderName = reader.GetString(1),
            StartAt = Time(reader, 2),
            Period = TimeSpan.FromMilliseconds(reader.GetInt64(3)),
            ETag = reader.GetInt64(4).ToString(CultureInfo.InvariantCulture),
        };

    private static DateTime Time(DbDataReader reader, int column) => new(reader.GetInt64(column), DateTimeKind.Utc);

    private static string? Text(DbDataReader reader, int column) => reader.IsDBNull(column) ? null : reader.GetString(column);
}
