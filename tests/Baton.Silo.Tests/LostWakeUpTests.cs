using Baton.History;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Silo.Tests;

public sealed class LostWakeUpTests
{
    [Fact]
    public async Task AMessageWrittenWithoutAWakeUp_IsTakenByRecoverysSweep_WhileItsSiloLives()
    {
        await using var silo = await TestSilo.StartAsync();
        var id = await silo.Client.StartAsync(nameof(ApprovalWorkflow), 600);
        await Eventually.WaitUntil(async () =>
            (await silo.Client.GetStatusAsync(id, includeHistory: true))!.History!.OfType<EventWaitStarted>().Any());

        // As if the wake-up call after the write had failed: the instance is active, owned by this live silo, and not told.
        var sent = await silo.Store.SendAsync(id, new EventRaised("approval", "\"ann\""), _ => true, DateTime.UtcNow, default);
        Assert.True(sent.Sent);
        Assert.Equal(silo.Services.GetRequiredService<Grains.Runtime.SiloIdentity>().Name, (await silo.Store.GetInstanceAsync(id, default))!.Owner);

        var status = await silo.Client.WaitForCompletionAsync(id, TimeSpan.FromSeconds(30));
        Assert.Equal("approved by ann", status.ReadOutput<string>());
    }
}
