using Baton.Grains.Storage;
using Baton.Samples;
using Baton.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Hosting;
using Orleans.Runtime;

namespace Baton.Silo.Tests;

/// <summary>A real silo on a SQLite file of its own (or a given one), with the samples and test workflows registered.</summary>
public sealed class TestSilo : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly string? _ownedDirectory;

    private TestSilo(IHost host, string databasePath, string? ownedDirectory)
    {
        _host = host;
        DatabasePath = databasePath;
        _ownedDirectory = ownedDirectory;
    }

    public string DatabasePath { get; }

    public IWorkflowClient Client => _host.Services.GetRequiredService<IWorkflowClient>();

    internal IServiceProvider Services => _host.Services;

    internal IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    internal IWorkflowStore Store => _host.Services.GetRequiredService<IWorkflowStore>();

    /// <summary>How many workflow grains are active on this silo now.</summary>
    internal async Task<int> ActiveInstancesAsync()
    {
        var statistics = await Grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        return statistics.Where(s => s.GrainType.Contains("WorkflowGrain", StringComparison.Ordinal)).Sum(s => s.ActivationCount);
    }

    /// <summary>Has Orleans collect every idle activation now, as it would after the idle timeout.</summary>
    internal Task CollectIdleAsync() => Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

    public static string NewDatabasePath() =>
        Path.Combine(Path.GetTempPath(), "baton-tests", Guid.NewGuid().ToString("N"), "baton.db");

    /// <summary>Starts a silo; with <paramref name="databasePath"/> it opens that file (and leaves it behind on dispose).</summary>
    public static async Task<TestSilo> StartAsync(
        string? databasePath = null,
        Action<BatonOptions>? options = null,
        Action<BatonBuilder>? register = null,
        Action<IServiceCollection>? services = null)
    {
        var owned = databasePath is null;
        databasePath ??= NewDatabasePath();
        var host = Build(databasePath, options, register, services);
        try
        {
            await host.StartAsync();
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return new TestSilo(host, databasePath, owned ? Path.GetDirectoryName(databasePath) : null);
    }

    public static IHost Build(string databasePath, Action<BatonOptions>? options = null, Action<BatonBuilder>? register = null, Action<IServiceCollection>? services = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddFilter("Baton", LogLevel.Warning);
        BatonBuilder baton = null!;
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(LoopbackPorts.Next(), 0);
            baton = silo.AddBaton(o =>
            {
                o.PollInterval = TimeSpan.FromMilliseconds(200);
                o.RecoveryInterval = TimeSpan.FromSeconds(1);
                options?.Invoke(o);
            })
            .UseSqliteStore(s => s.Path = databasePath)
            .AddSampleWorkflows()
            .AddWorkflow<CatchingWorkflow>()
            .AddWorkflow<UncaughtFailureWorkflow>()
            .AddWorkflow<UnknownActivityWorkflow>()
            .AddWorkflow<StepWorkflow>()
            .AddWorkflow<TimerThenActivityWorkflow>()
            .AddWorkflow<ChangingWorkflow>()
            .AddActivity<FailingActivity>()
            .AddActivity<Echo>()
            .AddFeatureWorkflows();
        });
        register?.Invoke(baton);
        services?.Invoke(builder.Services);
        if (builder.Services.Any(d => d.ImplementationInstance is ManualTimeProvider))
        {
            // Reminders run on Orleans' own clock, which a manual clock cannot move: under one, every wait is a timer in
            // memory that the test's clock drives. The reminder path has tests of its own, on real time.
            builder.Services.PostConfigure<BatonOptions>(o => o.ReminderThreshold = TimeSpan.FromDays(3650));
        }

        return builder.Build();
    }

    /// <summary>Stops the silo gracefully without deleting the file.</summary>
    public async Task StopAsync() => await _host.StopAsync();

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync();
        }
        finally
        {
            _host.Dispose();
            if (_ownedDirectory is not null)
            {
                try
                {
                    Directory.Delete(_ownedDirectory, recursive: true);
                }
                catch (IOException)
                {
                }
            }
        }
    }
}
