using System.Diagnostics;
using System.Net;
using Baton.Silo.Clustering;
using Baton.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Configuration;
using Orleans.Hosting;
using static Baton.Bench.Measure;

namespace Baton.Bench;

/// <summary>
/// The benchmarks on PostgreSQL: the five-step scenario on 1, 2 and 3 silo processes (the bench's own process is one;
/// the others are copies of it started with <c>--serve-silo</c>), and the 10,000-activity fan-out on the largest cluster.
/// Each cluster gets a fresh schema, dropped afterwards.
/// </summary>
internal static class PostgresCluster
{
    private const int InFlight = 50;

    public static async Task RunAsync(string connection, bool quick, int maxSilos, bool listing)
    {
        if (listing)
        {
            await ListingAtScaleAsync(connection, quick ? 100_000 : 1_000_000);
        }

        var workflows = quick ? 1000 : 5000;
        Report("postgres_commit", await CommitMillisecondsAsync(connection), "ms");
        for (var silos = 1; silos <= maxSilos; silos++)
        {
            var schema = "bench_" + Guid.NewGuid().ToString("N")[..12];
            var helpers = new List<Process>();
            using var host = Build(connection, schema);
            try
            {
                await host.StartAsync();
                for (var i = 1; i < silos; i++)
                {
                    helpers.Add(await StartHelperAsync(connection, schema));
                }

                var client = host.Services.GetRequiredService<IWorkflowClient>();
                var management = host.Services.GetRequiredService<IGrainFactory>().GetGrain<Orleans.Runtime.IManagementGrain>(0);
                while ((await management.GetHosts(onlyActive: true)).Count < silos)
                {
                    await Task.Delay(100);
                }

                // Warm-up: the JIT (in every silo process), the pools, the placement of grains.
                await Scenarios.WarmUp(quick ? TimeSpan.FromSeconds(2) : Program.WarmUpTime, () => Scenarios.RunFiveStepWorkflows(client, 500, InFlight));
                var processes = helpers.Prepend(Process.GetCurrentProcess()).ToList();
                var cpu = processes.Select(CpuTime).ToList();
                var server = await ServerCpuTimeAsync(connection);
                var store = host.Services.GetRequiredService<Baton.Silo.Storage.Postgres.PostgresWorkflowStore>();
                Baton.Silo.Storage.Postgres.PostgresWriter[] writers = [store.Writer, store.SteadyTurnWriter];
                var (commits, writes) = (writers.Sum(w => w.Commits), writers.Sum(w => w.Writes));
                var elapsed = await Scenarios.RunFiveStepWorkflows(client, workflows, InFlight);
                var used = processes.Select((p, i) => CpuTime(p) - cpu[i]).ToList();
                if (server is not null && await ServerCpuTimeAsync(connection) is { } serverAfter)
                {
                    Report($"postgres_{silos}_silo_server_cpu_per_workflow", (serverAfter - server.Value).TotalMilliseconds / workflows, "ms");
                }

                Report($"postgres_{silos}_silo_five_step_workflows_per_second", workflows / elapsed.TotalSeconds, "workflows/s");
                Report($"postgres_{silos}_silo_cpu_per_workflow", used.Sum(u => u.TotalMilliseconds) / workflows, "ms");
                Report($"postgres_{silos}_silo_writes_per_commit", (writers.Sum(w => w.Writes) - writes) / (double)Math.Max(1, writers.Sum(w => w.Commits) - commits), "writes");
                Report($"postgres_{silos}_silo_busiest_silo_cpu_share", used.Max(u => u.TotalMilliseconds) / elapsed.TotalMilliseconds * 100, "% of a core");
                if (silos == 1)
                {
                    // One workflow at a time: six turns, each a commit, and the hand-offs between them.
                    var latencies = await Scenarios.Latencies(quick ? 100 : 300, () => Scenarios.RunOne(client, nameof(FiveSteps), 0));
                    Report("postgres_1_silo_five_step_latency_p50", Percentile(latencies, 0.50), "ms");
                }
                if (silos == maxSilos)
                {
                    await Scenarios.RunOne(client, nameof(FanOut), 1000);
                    Report($"postgres_{silos}_silo_fan_out_10000", (await Scenarios.RunOne(client, nameof(FanOut), 10_000)).TotalMilliseconds, "ms");
                }
            }
            finally
            {
                foreach (var helper in helpers)
                {
                    helper.Kill();
                    await helper.WaitForExitAsync();
                    helper.Dispose();
                }

                await host.StopAsync();
                await DropAsync(connection, schema);
            }
        }
    }

    /// <summary>
    /// Fills a schema with <paramref name="count"/> instances (four workflow names, a mix of statuses, a year of creation
    /// times) and times the listing and counting queries the API and dashboard make: first pages with and without filters,
    /// a later page, and counts by status.
    /// </summary>
    public static async Task ListingAtScaleAsync(string connection, int count)
    {
        var schema = "bench_" + Guid.NewGuid().ToString("N")[..12];
        await using var store = new Baton.Silo.Storage.Postgres.PostgresWorkflowStore(
            new Baton.Silo.Storage.Postgres.PostgresStoreOptions { ConnectionString = connection, Schema = schema }, 65536);
        try
        {
            await store.InitializeAsync(default);
            var builder = new NpgsqlDataSourceBuilder(connection);
            builder.ConnectionStringBuilder.SearchPath = schema;
            builder.ConnectionStringBuilder.CommandTimeout = 600;
            await using (var data = builder.Build())
            {
                // The creation trigger (one status event per row) is off for the bulk load: the figures are about the instances table.
                await data.CreateCommand("ALTER TABLE instances DISABLE TRIGGER tr_instances_created").ExecuteNonQueryAsync();
                await using (var fill = data.CreateCommand("""
                    INSERT INTO instances (instance_id, name, status, created_at, updated_at, input, version, revision)
                    SELECT 'order-' || lpad(g::text, 8, '0'), (ARRAY['OrderApproval', 'Pipeline', 'Sweep', 'Monitor'])[1 + g % 4],
                           (ARRAY[2, 2, 2, 1, 3, 4])[1 + g % 6], 638000000000000000 + g::bigint * 315360000, 638000000000000000 + g::bigint * 315360000,
                           '{"n":' || g || '}', 1, 1
                    FROM generate_series(1, $1) AS g
                    """))
                {
                    fill.Parameters.Add(new NpgsqlParameter { Value = count });
                    await fill.ExecuteNonQueryAsync();
                }

                await data.CreateCommand("ALTER TABLE instances ENABLE TRIGGER tr_instances_created").ExecuteNonQueryAsync();
                await data.CreateCommand("ANALYZE instances").ExecuteNonQueryAsync();
            }

            async Task<double> Time(Func<Task> query)
            {
                await query(); // warm: plan and pages
                var watch = Stopwatch.StartNew();
                for (var i = 0; i < 5; i++)
                {
                    await query();
                }

                return watch.Elapsed.TotalMilliseconds / 5;
            }

            var first = await store.ListAsync(new WorkflowQuery { PageSize = 100 }, default);
            Report("postgres_list_first_page", await Time(() => store.ListAsync(new WorkflowQuery { PageSize = 100 }, default)), "ms");
            Report("postgres_list_later_page", await Time(() => store.ListAsync(new WorkflowQuery { PageSize = 100, ContinuationToken = first.ContinuationToken }, default)), "ms");
            Report("postgres_list_by_name_and_status", await Time(() => store.ListAsync(
                new WorkflowQuery { Name = "Pipeline", Statuses = [WorkflowRuntimeStatus.Running], PageSize = 100 }, default)), "ms");
            Report("postgres_list_by_id_prefix", await Time(() => store.ListAsync(new WorkflowQuery { InstanceIdPrefix = "order-0012", PageSize = 100 }, default)), "ms");
            Report("postgres_list_created_range", await Time(() => store.ListAsync(new WorkflowQuery
            {
                CreatedFrom = new DateTime(638000000000000000 + 1000L * 315360000, DateTimeKind.Utc),
                CreatedTo = new DateTime(638000000000000000 + 2000L * 315360000, DateTimeKind.Utc),
                PageSize = 100,
            }, default)), "ms");
            Report("postgres_count_by_status", await Time(() => store.CountByStatusAsync(new WorkflowQuery(), default)), "ms");
            Report("postgres_count_by_status_one_name", await Time(() => store.CountByStatusAsync(new WorkflowQuery { Name = "Sweep" }, default)), "ms");
        }
        finally
        {
            await store.DisposeAsync();
            await DropAsync(connection, schema);
        }
    }

    /// <summary>A helper silo process's body: joins the cluster on the schema and serves until killed.</summary>
    public static async Task ServeAsync(string connection, string schema)
    {
        using var host = Build(connection, schema);
        await host.StartAsync();
        Console.WriteLine("READY");
        await host.WaitForShutdownAsync();
    }

    private static IHost Build(string connection, string schema)
    {
        var builder = Host.CreateApplicationBuilder(BatonNodeExtensions.NodeArguments([]));
        builder.Logging.ClearProviders();
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (schema, schema))
                .ConfigureEndpoints(IPAddress.Loopback, FreePort(), FreePort())
                .UsePostgresClustering()
                .AddBaton()
                .UsePostgresStore(s => (s.ConnectionString, s.Schema) = (connection, schema))
                .AddWorkflow<FiveSteps>().AddWorkflow<FanOut>().AddActivity<Increment>();
        });
        return builder.Build();
    }

    private static async Task<Process> StartHelperAsync(string connection, string schema)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { typeof(PostgresCluster).Assembly.Location, "--serve-silo", "--postgres", connection, "--schema", schema })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line == "READY")
            {
                return process;
            }
        }

        throw new InvalidOperationException($"A helper silo exited with {process.ExitCode} before it was ready.");
    }

    /// <summary>One synced PostgreSQL commit of one row, in sequence: a turn's floor on this server.</summary>
    private static async Task<double> CommitMillisecondsAsync(string connection)
    {
        await using var data = NpgsqlDataSource.Create(connection);
        await using var db = await data.OpenConnectionAsync();

        // Temporary tables are not WAL-logged; a real table on a schema of its own is.
        var schema = "probe_" + Guid.NewGuid().ToString("N")[..8];
        await using (var setup = new NpgsqlCommand($"CREATE SCHEMA {schema}; CREATE TABLE {schema}.t (v bytea)", db))
        {
            await setup.ExecuteNonQueryAsync();
        }

        await using var insert = new NpgsqlCommand($"INSERT INTO {schema}.t (v) VALUES (decode(repeat('00', 200), 'hex'))", db);
        for (var i = 0; i < 20; i++)
        {
            await insert.ExecuteNonQueryAsync();
        }

        var watch = Stopwatch.StartNew();
        const int Commits = 300;
        for (var i = 0; i < Commits; i++)
        {
            await insert.ExecuteNonQueryAsync();
        }

        var result = watch.Elapsed.TotalMilliseconds / Commits;
        await using (var drop = new NpgsqlCommand($"DROP SCHEMA {schema} CASCADE", db))
        {
            await drop.ExecuteNonQueryAsync();
        }

        return result;
    }

    /// <summary>
    /// The CPU time the PostgreSQL server has used so far (the postmaster and its children), when it runs on this machine
    /// and its data folder is readable here; null otherwise. Backends that exit in between take their time with them, so
    /// this is taken around a run whose connections stay open.
    /// </summary>
    private static async Task<TimeSpan?> ServerCpuTimeAsync(string connection)
    {
        try
        {
            await using var data = NpgsqlDataSource.Create(connection);
            await using var show = data.CreateCommand("SHOW data_directory");
            var folder = (string)(await show.ExecuteScalarAsync())!;
            var postmaster = int.Parse(File.ReadLines(Path.Combine(folder, "postmaster.pid")).First(), System.Globalization.CultureInfo.InvariantCulture);
            var total = TimeSpan.Zero;
            foreach (var folderOfProcess in Directory.EnumerateDirectories("/proc"))
            {
                total += ChildCpuTime(folderOfProcess, postmaster);
            }

            return total;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or PostgresException or ArgumentException or InvalidOperationException)
        {
            return null; // A server elsewhere, or one whose folder this user cannot read.
        }
    }

    /// <summary>The CPU time of the process whose /proc folder this is, when it is the postmaster or its child; zero otherwise.</summary>
    private static TimeSpan ChildCpuTime(string folder, int postmaster)
    {
        try
        {
            // /proc/PID/stat: "pid (name) state ppid …"; the name may hold spaces, so fields are counted after the ')'.
            var text = File.ReadAllText(Path.Combine(folder, "stat"));
            var pid = int.Parse(text[..text.IndexOf(' ')], System.Globalization.CultureInfo.InvariantCulture);
            var parent = int.Parse(text[(text.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
            if (pid != postmaster && parent != postmaster)
            {
                return TimeSpan.Zero;
            }

            using var process = Process.GetProcessById(pid);
            return process.TotalProcessorTime;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or ArgumentException or InvalidOperationException)
        {
            return TimeSpan.Zero; // Not a process folder, or the process ended in between.
        }
    }

    private static async Task DropAsync(string connection, string schema)
    {
        await using var data = NpgsqlDataSource.Create(connection + ";Pooling=false");
        await using var drop = data.CreateCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
        await drop.ExecuteNonQueryAsync();
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
