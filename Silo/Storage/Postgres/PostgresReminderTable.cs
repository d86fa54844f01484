using Orleans;
using Orleans.Runtime;

namespace Baton.Silo.Storage.Postgres;

/// <summary>
/// Orleans' reminder table in the store's PostgreSQL schema: one row per grain and reminder name, with the grain's uniform
/// hash for the range reads that spread reminders over silos, and a counter as etag. Writes go through the store's
/// group-committing writer, so they are as durable as a turn's commit. Baton keeps it rather than Orleans' ADO.NET
/// provider so that the whole schema is Baton's own, created and checked in one place.
/// </summary>
internal sealed class PostgresReminderTable(PostgresWorkflowStore store) : IReminderTable
{
    public Task Init() => store.InitializeAsync(CancellationToken.None);

    public async Task<ReminderTableData> ReadRows(GrainId grainId) =>
        new(await store.ReadRemindersAsync("WHERE grain_id = $a", grainId.ToString()).ConfigureAwait(false));

    public async Task<ReminderTableData> ReadRows(uint begin, uint end) =>
        new(begin < end
            ? await store.ReadRemindersAsync("WHERE grain_hash > $a AND grain_hash <= $b", (long)begin, (long)end).ConfigureAwait(false)
            : await store.ReadRemindersAsync("WHERE grain_hash > $a OR grain_hash <= $b", (long)begin, (long)end).ConfigureAwait(false)); // The range wraps around.

    public async Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName) =>
        (await store.ReadRemindersAsync("WHERE grain_id = $a AND name = $b", grainId.ToString(), reminderName).ConfigureAwait(false)).FirstOrDefault();

    public async Task<string?> UpsertRow(ReminderEntry entry) => await store.UpsertReminderAsync(entry).ConfigureAwait(false);

    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag) => store.RemoveReminderAsync(grainId, reminderName, eTag);

    public Task TestOnlyClearTable() => store.ClearRemindersAsync();
}
