using Baton.Grains.Registry;
using Baton.Grains.Replay;
using Baton.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Baton.Grains.Runtime;

/// <summary>What every workflow grain of a silo shares: the store, the registry, options, time, loggers and the silo's identity.</summary>
internal sealed class InstanceServices(
    IWorkflowStore store,
    WorkflowRegistry registry,
    IOptions<BatonOptions> options,
    [FromKeyedServices(BatonClock.ServiceKey)] TimeProvider time,
    ILoggerFactory loggerFactory,
    SiloIdentity silo,
    CompletionNotifier notifier,
    LocalInstances local,
    NamespaceCatalog namespaces)
{
    private ExecutorSettings? _executorSettings;

    public IWorkflowStore Store { get; } = store;

    public WorkflowRegistry Registry { get; } = registry;

    public NamespaceCatalog Namespaces { get; } = namespaces;

    public BatonOptions Options { get; } = options.Value;

    public TimeProvider Time { get; } = time;

    public ILogger Logger { get; } = loggerFactory.CreateLogger("Baton.Instances");

    public ILogger WorkflowLogger { get; } = loggerFactory.CreateLogger("Baton.Workflow");

    public SiloIdentity Silo { get; } = silo;

    public CompletionNotifier Notifier { get; } = notifier;

    public LocalInstances Local { get; } = local;

    public IReadOnlySet<string> LocalQueues { get; } = new HashSet<string>(options.Value.ActivityQueues, StringComparer.Ordinal);

    /// <summary>Signs callback tokens with the store's cluster secret; the store is open before any grain runs.</summary>
    public ExecutorSettings ExecutorSettings => _executorSettings ??= new ExecutorSettings(Options.MaxPayloadBytes, new CallbackTokens(Store.ClusterSecret)) { Namespaces = Namespaces };
}
