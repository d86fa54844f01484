using Baton.Grains.Storage;
using Baton.Samples;
using Baton.Silo.Hosting;
using Baton.TestingHost;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;

namespace Baton.Silo.Tests;

/// <summary>One real silo (a one-silo <see cref="BatonTestCluster"/>) on a SQLite file of its own or a given one, with the samples and test workflows registered.</summary>
public sealed class TestSilo : IAsyncDisposable
{
    private readonly BatonTestCluster _cluster;

    private TestSilo(BatonTestCluster cluster)
    {
        _cluster = cluster;
    }

    public string DatabasePath => _cluster.DatabasePath;

    public IWorkflowClient Client => _cluster.Client;

    internal IServiceProvider Services => _cluster.Silos[0].Services;

    internal IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    internal IWorkflowStore Store => Services.GetRequiredService<IWorkflowStore>();

    /// <summary>How many workflow grains are active on this silo now.</summary>
    internal async Task<int> ActiveInstancesAsync()
    {
        var statistics = await Grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        return statistics.Where(s => s.GrainType.Contains("WorkflowGrain", StringComparison.Ordinal)).Sum(s => s.ActivationCount);
    }

    /// <summary>Has Orleans collect every idle activation now, as it would after the idle timeout.</summary>
    internal Task CollectIdleAsync() => Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

    public static string NewDatabasePath() => BatonTestCluster.NewDatabasePath();

    /// <summary>Starts a silo; with <paramref name="databasePath"/> it opens that file (and leaves it behind on dispose), with <paramref name="store"/> another store.</summary>
    public static async Task<TestSilo> StartAsync(
        string? databasePath = null,
        Action<BatonOptions>? options = null,
        Action<BatonBuilder>? register = null,
        Action<IServiceCollection>? services = null,
        Action<BatonBuilder>? store = null) =>
        new(await BatonTestCluster.StartAsync(Options(databasePath, options, register, services, store: store)));

    /// <summary>The test silos' options: the samples and test workflows registered, and the given additions.</summary>
    public static BatonTestClusterOptions Options(
        string? databasePath = null,
        Action<BatonOptions>? options = null,
        Action<BatonBuilder>? register = null,
        Action<IServiceCollection>? services = null,
        int silos = 1,
        Action<BatonBuilder>? store = null) => new()
    {
        InitialSilos = silos,
        DatabasePath = databasePath,
        Store = store,
        Baton = options,
        Register = baton =>
        {
            baton.AddSampleWorkflows()
                .AddWorkflow<CatchingWorkflow>()
                .AddWorkflow<UncaughtFailureWorkflow>()
                .AddWorkflow<UnknownActivityWorkflow>()
                .AddWorkflow<StepWorkflow>()
                .AddWorkflow<TimerThenActivityWorkflow>()
                .AddWorkflow<ChangingWorkflow>()
                .AddActivity<FailingActivity>()
                .AddActivity<Echo>()
                .AddFeatureWorkflows();
            register?.Invoke(baton);
        },
        Services = collection =>
        {
            services?.Invoke(collection);
            if (collection.Any(d => d.IsKeyedService && d.KeyedImplementationInstance is ManualTimeProvider))
            {
                // Reminders run on Orleans' own clock, which a manual clock cannot move: under one, every wait is a timer in
                // memory that the test's clock drives. The reminder path has tests of its own, on real time.
                collection.PostConfigure<BatonOptions>(o => o.ReminderThreshold = TimeSpan.FromDays(3650));
            }
        },
    };

    public ValueTask DisposeAsync() => _cluster.DisposeAsync();
}
