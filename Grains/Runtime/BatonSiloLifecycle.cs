using Baton.Grains.Logging;
using Baton.Grains.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Baton.Grains.Runtime;

/// <summary>
/// Baton's part of a silo's start and stop: the options are validated and the store opened before any grain runs
/// (so that a bad option or an incompatible store stops the silo with its message); the activity workers and recovery
/// start once the silo is active, and stop before it leaves.
/// </summary>
internal sealed class BatonSiloLifecycle(
    IOptions<BatonOptions> options,
    IWorkflowStore store,
    ActivityRunner runner,
    InstanceRecovery recovery,
    SiloIdentity silo,
    Registry.NamespaceCatalog namespaces,
    ILoggerFactory loggerFactory) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle)
    {
        lifecycle.Subscribe<BatonSiloLifecycle>(ServiceLifecycleStage.RuntimeInitialize, OpenAsync);
        lifecycle.Subscribe<BatonSiloLifecycle>(ServiceLifecycleStage.Active, StartAsync, StopAsync);
    }

    private async Task OpenAsync(CancellationToken cancellationToken)
    {
        options.Value.Validate();
        if (namespaces.UnknownWorkflows().ToList() is { Count: > 0 } unknown)
        {
            throw new InvalidOperationException($"BatonOptions.Namespaces lists workflows that are not registered: {string.Join(", ", unknown)}.");
        }

        await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
    }

    private Task StartAsync(CancellationToken cancellationToken)
    {
        runner.Start();
        recovery.Start();
        Log.SiloStarted(loggerFactory.CreateLogger("Baton.Silo"), silo.Name, store.Location);
        return Task.CompletedTask;
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        await recovery.StopAsync().ConfigureAwait(false);
        await runner.StopAsync().ConfigureAwait(false);
    }
}
