using Orleans;
using Orleans.Runtime;

namespace Baton.Silo.Storage.Sqlite;

/// <summary>
/// Orleans' reminder table in the store's SQLite file (Orleans ships none for SQLite): one row per grain and reminder
/// name, with the grain's uniform hash for the range reads that spread reminders over silos, and a counter as etag.
/// Writes go through the store's group-committing writer, so they are as durable as a turn's commit.
/// </summary>
internal sealed class SqliteReminderTable(SqliteWorkflowStore store) : IReminderTable
{
    public Task Init() => store.InitializeAsync(CancellationToken.None);

    public Task<ReminderTableData> ReadRows(GrainId grainId) =>
        Task.FromResult(new ReminderTableData(store.ReadReminders("WHERE grain_id = $a", grainId.ToString())));

    public Task<ReminderTableData> ReadRows(uint begin, uint end) =>
        Task.FromResult(new ReminderTableData(begin < end
            ? store.ReadReminders("WHERE grain_hash > $a AND grain_hash <= $b", (long)begin, (long)end)
            : store.ReadReminders("WHERE grain_hash > $a OR grain_hash <= $b", (long)begin, (long)end))); // The range wraps around.

    public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName) =>
        Task.FromResult(store.ReadReminders("WHERE grain_id = $a AND name = $b", grainId.ToString(), reminderName).FirstOrDefault());

    public async Task<string?> UpsertRow(ReminderEntry entry) => await store.UpsertReminderAsync(entry).ConfigureAwait(false);

    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag) => store.RemoveReminderAsync(grainId, reminderName, eTag);

    public Task TestOnlyClearTable() => store.ClearRemindersAsync();
}
