using System.Reflection;
using Baton.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Silo.Tests;

/// <summary>Waiting for a finish reads the store only when it must: an instance active in the silo signals its finish.</summary>
public sealed class CompletionWaitTests
{
    [Fact]
    public async Task WaitingForAnInstanceActiveInTheSilo_ReadsItsStatusOnce_AfterTheFinish()
    {
        await using var silo = await TestSilo.StartAsync(services: CountReads);
        var client = silo.Services.GetRequiredService<IWorkflowClient>();
        var reads = (ReadCounter)silo.Store;

        var id = await client.StartAsync(nameof(StepWorkflow), 50);
        var before = reads.InstanceReads;
        var status = await client.WaitForCompletionAsync(id, Eventually.Timeout);

        Assert.Equal(WorkflowRuntimeStatus.Completed, status.RuntimeStatus);
        Assert.Equal(1, reads.InstanceReads - before);
    }

    [Fact]
    public async Task WaitingThroughTheClusterClient_ReadsItsStatusOnce_AfterTheFinish()
    {
        await using var silo = await TestSilo.StartAsync(services: CountReads);
        var reads = (ReadCounter)silo.Store;

        var id = await silo.Client.StartAsync(nameof(StepWorkflow), 50);
        var before = reads.InstanceReads;
        var status = await silo.Client.WaitForCompletionAsync(id, Eventually.Timeout);

        Assert.Equal(WorkflowRuntimeStatus.Completed, status.RuntimeStatus);
        Assert.Equal(1, reads.InstanceReads - before);
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
