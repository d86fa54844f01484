using Baton;
using Baton.CrashHost;
using System.Net;
using Baton.Silo.Clustering;
using Baton.Silo.Hosting;
using Orleans.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Hosting;

// A silo for the crash and chaos tests: starts N CrashFanOut instances, prints STARTED, and runs until it is killed.
// Usage: Baton.CrashHost (--db PATH | --postgres CONNECTION --schema NAME | --azure CONNECTION --prefix NAME) --log PATH --instances N [--composite | --updates | --entities]
// --db runs a cluster of one on a SQLite file; --postgres joins the cluster of every silo on that schema (with a
// gateway, for the test's client); --azure the cluster of every silo on that Azure Storage account and table prefix. --composite starts CrashComposite instances, which run CrashFanOut as a child, retry
// and take an event; --instances 0 starts nothing, for a silo that only serves. --schedule creates a schedule that starts
// a CrashFanOut every second. --namespace NAME declares that namespace and starts the same instances (same ids) in it too.
// --long-waits starts CrashNap instances, whose timers are long waits (ReminderThreshold is one second), has Orleans
// collect them, and prints COLLECTED once none is active: their waits are then carried by timer buckets alone.
var log = Argument("--log");
var instances = int.Parse(Argument("--instances"), System.Globalization.CultureInfo.InvariantCulture);
var composite = args.Contains("--composite");

var builder = Host.CreateApplicationBuilder();
builder.Logging.ClearProviders();
builder.UseOrleans(silo =>
{
    var baton = silo.AddBaton(o =>
        {
            o.PollInterval = TimeSpan.FromMilliseconds(100);
            o.RecoveryInterval = TimeSpan.FromSeconds(1);
            o.MaxConcurrentActivities = 8;
            if (args.Contains("--long-waits"))
            {
                o.ReminderThreshold = TimeSpan.FromSeconds(1);
            }

            if (args.Contains("--namespace"))
            {
                o.Namespaces[Argument("--namespace")] = new NamespaceOptions();
            }
        })
        .AddCrashWorkflows(log);
    if (args.Contains("--postgres"))
    {
        silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = ("chaos", "chaos"))
            .ConfigureEndpoints(IPAddress.Loopback, FreeLoopbackPort(), FreeLoopbackPort())
            .UsePostgresClustering();
        baton.UsePostgresStore(s => (s.ConnectionString, s.Schema) = (Argument("--postgres"), Argument("--schema")));
    }
    else if (args.Contains("--azure"))
    {
        silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = ("chaos", "chaos"))
            .ConfigureEndpoints(IPAddress.Loopback, FreeLoopbackPort(), FreeLoopbackPort())
            .UseAzureClustering();
        baton.UseAzureStore(s => (s.ConnectionString, s.TablePrefix) = (Argument("--azure"), Argument("--prefix")));
    }
    else
    {
        silo.UseLocalhostClustering(FreeLoopbackPort(), 0);
        baton.UseSqliteStore(s => s.Path = Argument("--db"));
    }
});

using var host = builder.Build();
await host.StartAsync();
Console.WriteLine($"SILO {host.Services.GetRequiredService<Orleans.Runtime.ILocalSiloDetails>().SiloAddress.ToParsableString()}");
IWorkflowClient[] clients = args.Contains("--namespace")
    ? [host.Services.GetRequiredService<IWorkflowClient>(), host.Services.GetRequiredService<IWorkflowClientFactory>().ForNamespace(Argument("--namespace"))]
    : [host.Services.GetRequiredService<IWorkflowClient>()];
var client = clients[0];
await Task.WhenAll(clients.SelectMany(target => Enumerable.Range(0, instances).Select(k => (target, k))).Select(async item =>
{
    var (target, k) = item;
    if (args.Contains("--entities"))
    {
        await target.StartAsync(nameof(CrashTallyWorkflow), k, new StartWorkflowOptions { InstanceId = $"tally-{k:D3}" });
    }
    else if (args.Contains("--updates"))
    {
        // Each ledger gets one deposit, not awaited: the kill comes while their handlers' activities run.
        var id = await target.StartAsync(nameof(CrashLedger), 0, new StartWorkflowOptions { InstanceId = $"ledger-{k:D3}" });
        _ = target.UpdateAsync(id, "deposit", 100 + k, new UpdateOptions { UpdateId = $"deposit-{k}" });
    }
    else if (args.Contains("--long-waits"))
    {
        await target.StartAsync(nameof(CrashNap), k, new StartWorkflowOptions { InstanceId = $"nap-{k:D3}" });
    }
    else if (composite)
    {
        // The event is raised at once, long before the workflow waits for it: it must be kept through the crash.
        var id = await target.StartAsync(nameof(CrashComposite), k, new StartWorkflowOptions { InstanceId = $"composite-{k:D3}" });
        await target.RaiseEventAsync(id, "go", k);
    }
    else
    {
        await target.StartAsync(nameof(CrashFanOut), k, new StartWorkflowOptions { InstanceId = $"crash-{k:D3}" });
    }
}));
if (args.Contains("--schedule"))
{
    // A schedule that starts a CrashFanOut every second, for the test that kills the host between runs.
    await new ScheduleClient(client).CreateAsync("tick", new ScheduleSpec
    {
        Workflow = nameof(CrashFanOut),
        Input = System.Text.Json.JsonSerializer.SerializeToElement(1),
        Interval = TimeSpan.FromSeconds(1),
        Overlap = ScheduleOverlap.AllowAll,
    });
}

if (args.Contains("--long-waits"))
{
    var management = host.Services.GetRequiredService<IGrainFactory>().GetGrain<Orleans.Runtime.IManagementGrain>(0);
    while ((await management.GetSimpleGrainStatistics()).Where(g => g.GrainType.Contains("WorkflowGrain", StringComparison.Ordinal)).Sum(g => g.ActivationCount) > 0)
    {
        await management.ForceActivationCollection(TimeSpan.Zero);
        await Task.Delay(100);
    }

    Console.WriteLine("COLLECTED");
}

Console.WriteLine("STARTED");
await host.WaitForShutdownAsync();

static int FreeLoopbackPort() => Baton.TestingHost.LoopbackPorts.Next();

string Argument(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : throw new ArgumentException($"Missing {name}.");
}
