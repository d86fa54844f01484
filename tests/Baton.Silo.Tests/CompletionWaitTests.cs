using System.Reflection;
using Baton.Grains.Storage;
using Baton.Samples;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Silo.Tests;

/// <summary>
/// Waiting for a finish reads the store only when it must: an instance active in the silo signals its finish with the
/// status it committed, which must be the status the store holds.
/// </summary>
public sealed class CompletionWaitTests
{
    [Fact]
    public async Task WaitingForAnInstanceActiveInTheSilo_ReadsNothing()
    {
        await using var silo = await TestSilo.StartAsync(services: CountReads);
        var client = silo.Services.GetRequiredService<IWorkflowClient>();
        var reads = (ReadCounter)silo.Store;

        var id = await client.StartAsync(nameof(StepWorkflow), 50);
        var before = reads.InstanceReads;
        var status = await client.WaitForCompletionAsync(id, Eventually.Timeout);

        Assert.Equal(WorkflowRuntimeStatus.Completed, status.RuntimeStatus);
        Assert.Equal(0, reads.InstanceReads - before);
    }

    [Fact]
    public async Task WaitingThroughTheClusterClient_ReadsNothing()
    {
        await using var silo = await TestSilo.StartAsync(services: CountReads);
        var reads = (ReadCounter)silo.Store;

        var id = await silo.Client.StartAsync(nameof(StepWorkflow), 50);
        var before = reads.InstanceReads;
        var status = await silo.Client.WaitForCompletionAsync(id, Eventually.Timeout);

        Assert.Equal(WorkflowRuntimeStatus.Completed, status.RuntimeStatus);
        Assert.Equal(0, reads.InstanceReads - before);
    }

    [Fact]
    public async Task TheStatusAFinishHandsOver_IsTheStatusTheStoreHolds()
    {
        await using var silo = await TestSilo.StartAsync();
        var client = silo.Services.GetRequiredService<IWorkflowClient>();
        var waits = new List<(string Id, Task<WorkflowStatus> Wait)>();
        async Task Start(string workflow, object input)
        {
            var id = await client.StartAsync(workflow, input);
            waits.Add((id, client.WaitForCompletionAsync(id, Eventually.Timeout)));
        }

        await Start(nameof(StepWorkflow), 10);
        await Start(nameof(UncaughtFailureWorkflow), "boom");
        await Start(nameof(OrderApproval), new OrderRequest { CustomerEmail = "a@example.com", Amount = 5000m, Lines = [new OrderLine { Sku = "x", Quantity = 1 }] });
        await Start(nameof(ApprovalWorkflow), 300);
        await client.RaiseEventAsync(waits[2].Id, "approval", new ApprovalDecision(true, "ana"));
        await client.TerminateAsync(waits[3].Id, "no longer needed");

        var handed = new List<WorkflowStatus>();
        foreach (var (id, wait) in waits)
        {
            handed.Add(await wait);
            Assert.Equal(await client.GetStatusAsync(id), handed[^1]);
        }

        Assert.Equal(
            [WorkflowRuntimeStatus.Completed, WorkflowRuntimeStatus.Failed, WorkflowRuntimeStatus.Completed, WorkflowRuntimeStatus.Terminated],
            handed.Select(s => s.RuntimeStatus));
        Assert.Equal("\"approved\"", handed[2].CustomStatus);
        Assert.Equal("no longer needed", handed[3].StatusReason);
    }

    [Fact]
    public async Task WaitingForAnInstanceThatFinishedAndWasCollected_ReadsTheStore()
    {
        await using var silo = await TestSilo.StartAsync(services: CountReads);
        var client = silo.Services.GetRequiredService<IWorkflowClient>();

        var id = await client.StartAsync(nameof(StepWorkflow), 0);
        await client.WaitForCompletionAsync(id, Eventually.Timeout);
        await silo.CollectIdleAsync();
        await Eventually.WaitUntil(async () => await silo.ActiveInstancesAsync() == 0);

        Assert.Equal(WorkflowRuntimeStatus.Completed, (await client.WaitForCompletionAsync(id, Eventually.Timeout)).RuntimeStatus);
    }

    /// <summary>Puts a counter of instance reads in front of the silo's store.</summary>
    private static void CountReads(IServiceCollection services)
    {
        var store = services.Last(d => d.ServiceType == typeof(IWorkflowStore));
        services.AddSingleton(sp =>
        {
            var inner = (IWorkflowStore)store.ImplementationFactory!(sp);
            var proxy = DispatchProxy.Create<IWorkflowStore, ReadCounter>();
            ((ReadCounter)proxy).Inner = inner;
            return proxy;
        });
    }

    /// <summary>The store, with a count of <see cref="IWorkflowStore.GetInstanceAsync"/> calls.</summary>
    public class ReadCounter : DispatchProxy
    {
        private int _instanceReads;

        internal IWorkflowStore Inner { get; set; } = null!;

        public int InstanceReads => Volatile.Read(ref _instanceReads);

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod!.Name == nameof(IWorkflowStore.GetInstanceAsync))
            {
                Interlocked.Increment(ref _instanceReads);
            }

            try
            {
                return targetMethod.Invoke(Inner, args);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex.InnerException);
                throw;
            }
        }
    }
}
