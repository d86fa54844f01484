using Baton.Samples;
using Baton.Silo.Hosting;
using Baton.Silo.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

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

    internal SiloRuntime Runtime => _host.Services.GetRequiredService<SiloRuntime>();

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
        var baton = builder.Services
            .AddBaton(o =>
            {
                o.LeaseDuration = TimeSpan.FromSeconds(2);
                o.PollInterval = TimeSpan.FromMilliseconds(200);
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
        register?.Invoke(baton);
        services?.Invoke(builder.Services);
        return builder.Build();
    }

    /// <summary>Stops the silo gracefully (leases released) without deleting the file.</summary>
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
