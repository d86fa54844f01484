using Baton.Samples;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;

namespace Baton.Silo.Tests;

public sealed class ReminderTests
{
    [Fact]
    public async Task ReminderNeverRegistered_AfterTheCommit_TheWaitStillEnds_OnTheNextSilo()
    {
        var path = TestSilo.NewDatabasePath();
        string id;

        // The first silo commits the wait, but its reminder table refuses every write: the silo goes with no reminder stored.
        await using (var first = await TestSilo.StartAsync(
            path,
            o => o.ReminderThreshold = TimeSpan.FromSeconds(1),
            services: s => s.AddSingleton<IReminderTable, RefusingReminderTable>()))
        {
            id = await first.Client.StartAsync(nameof(Reminder), new ReminderRequest("not forgotten", 4));
            await Eventually.WaitUntil(async () => await Db.CountAsync(path, "messages", id, "step_id IS NOT NULL") == 1);
        }

        Assert.Equal(0, await Db.ScalarAsync(path, "SELECT count(*) FROM reminders WHERE $id IS NOT NULL", id));

        await using var second = await TestSilo.StartAsync(path, o => o.ReminderThreshold = TimeSpan.FromSeconds(1));
        var status = await second.Client.WaitForCompletionAsync(id, Eventually.Timeout);

        Assert.Equal(WorkflowRuntimeStatus.Completed, status.RuntimeStatus);
        Assert.StartsWith("not forgotten (sent ", status.ReadOutput<string>());
    }

    private sealed class RefusingReminderTable : IReminderTable
    {
        public Task Init() => Task.CompletedTask;

        public Task<ReminderTableData> ReadRows(GrainId grainId) => Task.FromResult(new ReminderTableData());

        public Task<ReminderTableData> ReadRows(uint begin, uint end) => Task.FromResult(new ReminderTableData());

        public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName) => Task.FromResult<ReminderEntry?>(null);

        public Task<string?> UpsertRow(ReminderEntry entry) => throw new IOException("the reminder table is unavailable");

        public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag) => Task.FromResult(false);

        public Task TestOnlyClearTable() => Task.CompletedTask;
    }
}
