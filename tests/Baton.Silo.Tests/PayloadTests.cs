using Baton.History;

namespace Baton.Silo.Tests;

public sealed class PayloadTests
{
    [Fact]
    public async Task LargePayloads_AreStoredOnce_AndReferencedFromHistory()
    {
        await using var silo = await TestSilo.StartAsync();
        var big = new string('b', 300_000);
        var id = await silo.Client.StartAsync(nameof(EchoWorkflow), big);

        var status = await silo.Client.WaitForCompletionAsync(id, Eventually.Timeout);

        Assert.Equal(big, status.ReadOutput<string>());
        var history = (await silo.Client.GetStatusAsync(id, true))!.History!;
        Assert.Equal(big, history.OfType<ActivityCompleted>().Single().Result is { } r ? Serialization.BatonJson.Deserialize<string>(r) : null);
        Assert.Equal(1, await Db.CountAsync(silo.DatabasePath, "payloads", id));
        Assert.True(await Db.ScalarAsync(silo.DatabasePath, "SELECT max(length(h.event)) FROM history h JOIN instances i ON i.number = h.instance_number WHERE i.instance_id = $id", id) < 1000);
    }

    [Fact]
    public async Task Payload_OverTheLimit_IsRefusedAtStart_AndFailsAnActivityThatReturnsIt()
    {
        await using var silo = await TestSilo.StartAsync(options: o => o.MaxPayloadBytes = 256 * 1024);
        var tooLarge = await Assert.ThrowsAsync<PayloadTooLargeException>(() =>
            silo.Client.StartAsync(nameof(EchoWorkflow), new string('x', 300_000), new StartWorkflowOptions { InstanceId = "too-large" }));
        Assert.Null(await silo.Client.GetStatusAsync("too-large"));
        Assert.Equal(256 * 1024, tooLarge.Limit);

        var id = await silo.Client.StartAsync(nameof(OversizeWorkflow), 300_000);
        var status = await silo.Client.WaitForCompletionAsync(id, Eventually.Timeout);
        Assert.Contains("PayloadTooLargeException", status.ReadOutput<string>(), StringComparison.Ordinal);
    }
}

/// <summary>Asks an activity for a result of the given length and reports its failure.</summary>
public sealed class OversizeWorkflow : Workflow<int, string>
{
    public override async Task<string> RunAsync(IWorkflowContext context, int length)
    {
        try
        {
            return (await context.CallActivityAsync<string>(nameof(Oversize), length)).Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (ActivityFailedException ex)
        {
            return ex.Failure.ErrorType;
        }
    }
}
