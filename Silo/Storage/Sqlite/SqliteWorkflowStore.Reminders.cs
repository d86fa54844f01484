using System.Globalization;
using Orleans;
using Orleans.Runtime;

namespace Baton.Silo.Storage.Sqlite;

// The reminder rows behind SqliteReminderTable.
internal sealed partial class SqliteWorkflowStore
{
    internal IReadOnlyList<ReminderEntry> ReadReminders(string where, params object[] values)
    {
        using var connection = OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {StoredRows.ReminderColumns} FROM reminders {where}";
        command.Parameters.AddWithValue("$a", values[0]);
        if (values.Length > 1)
        {
            command.Parameters.AddWithValue("$b", values[1]);
        }

        using var reader = command.ExecuteReader();
        var entries = new List<ReminderEntry>();
        while (reader.Read())
        {
            entries.Add(StoredRows.Reminder(reader));
        }

        return entries;
    }

    internal Task<string> UpsertReminderAsync(ReminderEntry entry) =>
        Writer.WriteAsync(w => ((long)w.Statement("""
            INSERT INTO reminders (grain_id, name, grain_hash, start_at, period_ms, etag) VALUES ($id, $name, $hash, $start, $period, 1)
            ON CONFLICT (grain_id, name) DO UPDATE SET start_at = $start, period_ms = $period, etag = etag + 1
            RETURNING etag
            """).Scalar(entry.GrainId.ToString(), entry.ReminderName, (long)entry.GrainId.GetUniformHashCode(), entry.StartAt.ToUniversalTime().Ticks,
                (long)entry.Period.TotalMilliseconds)!).ToString(CultureInfo.InvariantCulture));

    internal Task<bool> RemoveReminderAsync(GrainId grainId, string name, string eTag) =>
        Writer.WriteAsync(w => long.TryParse(eTag, NumberStyles.None, CultureInfo.InvariantCulture, out var etag)
            && w.Statement("DELETE FROM reminders WHERE grain_id = $id AND name = $name AND etag = $etag").Execute(grainId.ToString(), name, etag) == 1);

    internal Task ClearRemindersAsync() => Writer.WriteAsync(w => w.Statement("DELETE FROM reminders").Execute());
}
