using System.Globalization;
using Orleans;
using Orleans.Runtime;

namespace Baton.Silo.Storage.Postgres;

// The reminder rows behind PostgresReminderTable.
internal sealed partial class PostgresWorkflowStore
{
    internal async Task<IReadOnlyList<ReminderEntry>> ReadRemindersAsync(string where, params object?[] values)
    {
        await using var connection = await _dataSource.OpenConnectionAsync().ConfigureAwait(false);
        await using var command = PostgresStatement.For($"SELECT {StoredRows.ReminderColumns} FROM reminders {where}").Command(connection, values);
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        var entries = new List<ReminderEntry>();
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            entries.Add(StoredRows.Reminder(reader));
        }

        return entries;
    }

    internal Task<string> UpsertReminderAsync(ReminderEntry entry) =>
        Writer.WriteAsync(w => ((long)w.Scalar("""
            INSERT INTO reminders (grain_id, name, grain_hash, start_at, period_ms, etag) VALUES ($id, $name, $hash, $start, $period, 1)
            ON CONFLICT (grain_id, name) DO UPDATE SET start_at = excluded.start_at, period_ms = excluded.period_ms, etag = reminders.etag + 1
            RETURNING etag
            """, entry.GrainId.ToString(), entry.ReminderName, (long)entry.GrainId.GetUniformHashCode(), entry.StartAt.ToUniversalTime().Ticks,
                (long)entry.Period.TotalMilliseconds)!).ToString(CultureInfo.InvariantCulture));

    internal Task<bool> RemoveReminderAsync(GrainId grainId, string name, string eTag) =>
        Writer.WriteAsync(w => long.TryParse(eTag, NumberStyles.None, CultureInfo.InvariantCulture, out var etag)
            && w.Execute("DELETE FROM reminders WHERE grain_id = $id AND name = $name AND etag = $etag", grainId.ToString(), name, etag) == 1);

    internal Task ClearRemindersAsync() => Writer.WriteAsync(w => w.Execute("DELETE FROM reminders"));
}
