using Baton.Client;
using Baton.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace Baton.TestingHost;

/// <summary>
/// Baton silos in one process, on Orleans' in-process test cluster (in-memory transport and membership), all sharing
/// one SQLite file: start N, add one with options of its own (a queue it serves), kill one, and wait for an instance's
/// status from whichever silo is still alive.
/// </summary>
public sealed class BatonTestCluster : IAsyncDisposable
{
    /// <summary>
    /// The environment variable that, set to <c>azure</c> (with <see cref="AzureStorageScope.Variable"/>), runs every cluster
    /// that names no store of its own on the Azure store instead of SQLite: the engine's tests against Azure Storage.
    /// </summary>
    public const string StoreVariable = "BATON_TEST_STORE";

    private static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PollDelay = TimeSpan.FromMilliseconds(20);

    private readonly InProcessTestCluster _cluster;
    private readonly string? _ownedDirectory;
    private readonly SemaphoreSlim _adding = new(1, 1);
    private readonly List<BatonTestSilo> _silos = [];
    private Action<BatonOptions>? _nextSiloOptions;

    private BatonTestCluster(BatonTestClusterOptions options, string databasePath, string? ownedDirectory)
    {
        DatabasePath = databasePath;
        _ownedDirectory = ownedDirectory;
        var builder = new InProcessTestClusterBuilder(checked((short)options.InitialSilos));
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            // Read once, while this silo is built: only AddSiloAsync sets it, and it holds _adding meanwhile.
            var siloOptions = _nextSiloOptions;
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(1);
                o.NumMissedProbesLimit = 2;
                o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
                options.Membership?.Invoke(o);
            });
            var baton = silo.AddBaton(o =>
                {
                    o.PollInterval = TimeSpan.FromMilliseconds(200);
                    o.RecoveryInterval = TimeSpan.FromSeconds(1);
                    options.Baton?.Invoke(o);
                    siloOptions?.Invoke(o);
                });
            if (options.Store is { } useStore)
            {
                useStore(baton);
            }
            else if (Environment.GetEnvironmentVariable(StoreVariable) == "azure" && AzureStorageScope.ConnectionString is { } azure)
            {
                // The engine's tests on the Azure store: one table prefix per database path, so that a restart finds its data.
                var prefix = "f" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(databasePath)))[..16];
                baton.UseAzureStore(s => (s.ConnectionString, s.TablePrefix) = (azure, prefix));
            }
            else
            {
                baton.UseSqliteStore(s => s.Path = databasePath);
            }

            options.Register?.Invoke(baton);
        });

        builder.ConfigureClient(client => client.AddBatonClusterClient());

        // After Orleans' and Baton's registrations, so that a service given here (a manual clock) replaces theirs.
        builder.ConfigureSiloHost((_, host) => options.Services?.Invoke(host.Services));
        _cluster = builder.Build();
    }

    /// <summary>The SQLite file the silos share.</summary>
    public string DatabasePath { get; }

    /// <summary>The silos running now, oldest first.</summary>
    public IReadOnlyList<BatonTestSilo> Silos
    {
        get
        {
            lock (_silos)
            {
                return _silos.Where(s => s.IsActive).ToList();
            }
        }
    }

    /// <summary>A client inside the oldest running silo.</summary>
    public IWorkflowClient Client => AnySilo().Client;

    /// <summary>An Orleans cluster client connected to the silos, as another service would connect.</summary>
    public IClusterClient ClusterClient => _cluster.Client;

    /// <summary>The workflow client of a service outside the silos, over <see cref="ClusterClient"/>.</summary>
    public IWorkflowClient RemoteClient => _cluster.Client.ServiceProvider.GetRequiredService<IWorkflowClient>();

    /// <summary>A new file path for <see cref="BatonTestClusterOptions.DatabasePath"/> in a folder of its own.</summary>
    public static string NewDatabasePath() =>
        Path.Combine(Path.GetTempPath(), "baton-tests", Guid.NewGuid().ToString("N"), "baton.db");

    /// <summary>Starts the cluster's initial silos and returns once each of them sees all of them active.</summary>
    /// <param name="options">The silos' options; null for one silo on a new file with nothing registered.</param>
    /// <returns>The running cluster.</returns>
    public static async Task<BatonTestCluster> StartAsync(BatonTestClusterOptions? options = null)
    {
        options ??= new BatonTestClusterOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.InitialSilos, 1, nameof(options.InitialSilos));
        var owned = options.DatabasePath is null;
        var databasePath = options.DatabasePath ?? NewDatabasePath();
        var cluster = new BatonTestCluster(options, databasePath, owned ? Path.GetDirectoryName(databasePath) : null);
        try
        {
            await cluster._cluster.DeployAsync().ConfigureAwait(false);
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        cluster.Track(cluster._cluster.Silos);
        return cluster;
    }

    /// <summary>Starts one more silo, which joins the cluster.</summary>
    /// <param name="options">Options for this silo only (the queues it serves, say), applied after the cluster's.</param>
    /// <returns>The new silo.</returns>
    public async Task<BatonTestSilo> AddSiloAsync(Action<BatonOptions>? options = null)
    {
        await _adding.WaitAsync().ConfigureAwait(false);
        try
        {
            _nextSiloOptions = options;
            var handle = await _cluster.StartAdditionalSiloAsync().ConfigureAwait(false);
            return Track([handle])[0];
        }
        finally
        {
            _nextSiloOptions = null;
            _adding.Release();
        }
    }

    /// <summary>
    /// Stops the silo abruptly, as a crash would: its grains are not deactivated and it says no goodbye to the
    /// cluster, which finds it dead by its missed probes.
    /// </summary>
    /// <param name="silo">The silo to kill.</param>
    public Task KillSiloAsync(BatonTestSilo silo) => _cluster.KillSiloAsync(silo.Handle);

    /// <summary>Stops the silo gracefully: its grains deactivate and it leaves the cluster.</summary>
    /// <param name="silo">The silo to stop.</param>
    public Task StopSiloAsync(BatonTestSilo silo) => _cluster.StopSiloAsync(silo.Handle);

    /// <summary>Waits until the instance reaches <paramref name="status"/>, read through any running silo.</summary>
    /// <param name="instanceId">The instance.</param>
    /// <param name="status">The status to wait for.</param>
    /// <param name="timeout">How long to wait; default 30 seconds.</param>
    /// <returns>The instance's status once it matches.</returns>
    /// <exception cref="TimeoutException">The instance did not reach the status in time; the message says where it was.</exception>
    public Task<WorkflowStatus> WaitForStatusAsync(string instanceId, WorkflowRuntimeStatus status, TimeSpan? timeout = null) =>
        WaitForStatusAsync(instanceId, s => s.RuntimeStatus == status, $"status {status}", timeout);

    /// <summary>Waits until the instance's status satisfies <paramref name="condition"/>, read through any running silo.</summary>
    /// <param name="instanceId">The instance.</param>
    /// <param name="condition">What the status must satisfy.</param>
    /// <param name="description">What the condition means, for the timeout's message.</param>
    /// <param name="timeout">How long to wait; default 30 seconds.</param>
    /// <returns>The instance's status once it matches.</returns>
    /// <exception cref="TimeoutException">The condition did not hold in time; the message says where the instance was.</exception>
    public async Task<WorkflowStatus> WaitForStatusAsync(
        string instanceId, Func<WorkflowStatus, bool> condition, string description, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultWait);
        WorkflowStatus? last = null;
        while (true)
        {
            try
            {
                last = await AnySilo().Client.GetStatusAsync(instanceId).ConfigureAwait(false);
                if (last is not null && condition(last))
                {
                    return last;
                }
            }
            catch (Exception ex) when (ex is not InvalidOperationException and not ArgumentException)
            {
                // The silo read through may be one being killed right now; the next poll reads through another.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(
                    $"Instance '{instanceId}' did not reach {description} in time; it was {last?.RuntimeStatus.ToString() ?? "not found"}.");
            }

            await Task.Delay(PollDelay).ConfigureAwait(false);
        }
    }

    /// <summary>Stops every silo and deletes the database folder the cluster created.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _cluster.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _adding.Dispose();
            if (_ownedDirectory is not null)
            {
                try
                {
                    Directory.Delete(_ownedDirectory, recursive: true);
                }
                catch (IOException)
                {
                    // A file still held open by a reader that has not let go; the temporary folder is cleaned up later.
                }
            }
        }
    }

    private BatonTestSilo AnySilo() =>
        Silos.FirstOrDefault() ?? throw new InvalidOperationException("No silo of the cluster is running.");

    private List<BatonTestSilo> Track(IEnumerable<InProcessSiloHandle> handles)
    {
        var added = handles.Select(h => new BatonTestSilo(h)).ToList();
        lock (_silos)
        {
            _silos.AddRange(added);
        }

        return added;
    }
}
