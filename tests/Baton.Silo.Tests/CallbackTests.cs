using Microsoft.Extensions.DependencyInjection;

namespace Baton.Silo.Tests;

public sealed class CallbackTests
{
    [Fact]
    public async Task Callback_CompletedWithItsToken_AfterARestart_ResumesTheWorkflow()
    {
        var path = TestSilo.NewDatabasePath();
        string id;
        string token;
        await using (var first = await TestSilo.StartAsync(path))
        {
            id = await first.Client.StartAsync(nameof(CallbackWorkflow), new CallbackRequest(0, 0));
            token = await TokenOf(first, id);
        }

        await using var second = await TestSilo.StartAsync(path);
        await second.Client.CompleteCallbackAsync(token, "42 EUR");
        var status = await second.Client.WaitForCompletionAsync(id, Eventually.Timeout);

        Assert.Equal("paid 42 EUR", status.ReadOutput<string>());
        Assert.DoesNotContain(id, token, StringComparison.Ordinal); // The token is signed, not a bare id in plain text.
        await Assert.ThrowsAsync<CallbackNotPendingException>(() => second.Client.CompleteCallbackAsync(token, "again"));
    }

    [Fact]
    public async Task Callback_Failed_ThrowsTheReportedFailureIntoTheWorkflow()
    {
        await using var silo = await TestSilo.StartAsync();
        var id = await silo.Client.StartAsync(nameof(CallbackWorkflow), new CallbackRequest(0, 0));
        var token = await TokenOf(silo, id);

        await silo.Client.FailCallbackAsync(token, "card declined");

        Assert.Equal("failed: card declined", (await silo.Client.WaitForCompletionAsync(id, Eventually.Timeout)).ReadOutput<string>());
        await Assert.ThrowsAsync<CallbackNotPendingException>(() => silo.Client.CompleteCallbackAsync(token, "too late"));
    }

    [Fact]
    public async Task Callback_ForgedOrAlteredToken_IsRefused_AndTheWorkflowStillWaits()
    {
        await using var silo = await TestSilo.StartAsync();
        var id = await silo.Client.StartAsync(nameof(CallbackWorkflow), new CallbackRequest(0, 0));
        var token = await TokenOf(silo, id);
        var altered = token[..^2] + (token[^2] == 'A' ? "BB" : "AA");

        await Assert.ThrowsAsync<InvalidCallbackTokenException>(() => silo.Client.CompleteCallbackAsync(altered, "forged"));
        await Assert.ThrowsAsync<InvalidCallbackTokenException>(() => silo.Client.CompleteCallbackAsync("not-a-token", "forged"));
        await Assert.ThrowsAsync<InvalidCallbackTokenException>(() => silo.Client.CompleteCallbackAsync($"{id}.{id}", "forged"));

        Assert.Equal(WorkflowRuntimeStatus.Running, (await silo.Client.GetStatusAsync(id))!.RuntimeStatus);
        Assert.Equal(0, await Db.CountAsync(silo.DatabasePath, "messages", id, "step_id IS NULL"));
    }

    [Fact]
    public async Task Callback_HeartbeatsKeepItOpen_AndAMissedHeartbeatTimesItOut()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var silo = await TestSilo.StartAsync(services: s => s.AddKeyedSingleton<TimeProvider>(BatonClock.ServiceKey, clock));
        var id = await silo.Client.StartAsync(nameof(CallbackWorkflow), new CallbackRequest(0, 60));
        var token = await TokenOf(silo, id);

        for (var i = 0; i < 3; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(40));
            await silo.Client.HeartbeatCallbackAsync(token);
            await Eventually.WaitUntil(async () => (await silo.Client.GetStatusAsync(id, true))!.History!.OfType<History.CallbackHeartbeat>().Count() == i + 1);
        }

        Assert.Equal(WorkflowRuntimeStatus.Running, (await silo.Client.GetStatusAsync(id))!.RuntimeStatus);
        clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal("heartbeat missed", (await silo.Client.WaitForCompletionAsync(id, Eventually.Timeout)).ReadOutput<string>());
        await Assert.ThrowsAsync<CallbackNotPendingException>(() => silo.Client.HeartbeatCallbackAsync(token));
    }

    internal static async Task<string> TokenOf(TestSilo silo, string id)
    {
        string? token = null;
        await Eventually.WaitUntil(async () => (token = (await silo.Client.GetStatusAsync(id))?.ReadCustomStatus<TokenStatus>()?.Token) is not null);
        return token!;
    }
}
