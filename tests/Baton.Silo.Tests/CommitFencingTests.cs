using Baton.Grains.Storage;
using Baton.History;

namespace Baton.Silo.Tests;

public sealed class CommitFencingTests
{
    [Fact]
    public async Task TwoWritersOnOneRevision_ExactlyOneCommits_AndTheLoserReloads()
    {
        await using var silo = await TestSilo.StartAsync();
        var id = await silo.Client.StartAsync(nameof(ApprovalWorkflow), 3600);
        await Eventually.WaitUntil(async () => (await silo.Client.GetStatusAsync(id, true))!.History!.OfType<EventWaitStarted>().Any());
        var revision = (await silo.Store.GetInstanceAsync(id, default))!.Revision;

        // Two other activations (as a membership change can briefly make) both extend the revision the grain holds.
        var claims = new[] { "silo-a", "silo-b" }.Select(async owner =>
        {
            try
            {
                await silo.Store.ClaimInstanceAsync(id, revision, owner, default);
                return owner;
            }
            catch (InstanceConflictException)
            {
                return null;
            }
        });
        var winners = (await Task.WhenAll(claims)).OfType<string>().ToList();
        Assert.Single(winners);

        // The grain still holds the old revision: its next commit loses too. It reloads, and the event is not lost:
        // the winner is no live silo, so recovery wakes the instance, which claims it and takes the event once.
        await silo.Client.RaiseEventAsync(id, "approval", "ada");
        var status = await silo.Client.WaitForCompletionAsync(id, Eventually.Timeout);

        Assert.Equal("approved by ada", status.ReadOutput<string>());
        var history = (await silo.Client.GetStatusAsync(id, true))!.History!;
        Assert.Single(history, e => e is EventRaised);
        Assert.Single(history, e => e is WorkflowCompleted);
        Assert.Equal(history.Count, (await silo.Store.GetHistoryAsync(id, default)).Count);
    }
}
