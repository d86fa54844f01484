using Baton.Samples;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Baton.Silo;

/// <summary>With <c>--run-samples</c>: starts one instance of each sample (fixed ids, so a restart resumes them) and logs their outputs.</summary>
internal sealed class SampleRunner(IWorkflowClient client, ILogger<SampleRunner> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new[]
        {
            await client.StartAsync(nameof(GreetingChain), new[] { "Tokyo", "Seattle", "London" }, new() { InstanceId = "sample-chaining", IfExists = InstanceIdReusePolicy.ReturnExisting }, stoppingToken),
            await client.StartAsync(nameof(SquareSum), 100, new() { InstanceId = "sample-fan-out", IfExists = InstanceIdReusePolicy.ReturnExisting }, stoppingToken),
            await client.StartAsync(nameof(Reminder), new ReminderRequest("Stand up and stretch", 10), new() { InstanceId = "sample-timer", IfExists = InstanceIdReusePolicy.ReturnExisting }, stoppingToken),
        };

        foreach (var instanceId in started)
        {
            var status = await client.WaitForCompletionAsync(instanceId, cancellationToken: stoppingToken);
            logger.LogInformation("Sample {InstanceId} {Status}: {Output}", instanceId, status.RuntimeStatus, status.Output ?? status.Failure?.Message);
        }
    }
}
