using Baton;
using Baton.CrashHost;
using Baton.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Hosting;

// A silo for the crash test: starts N CrashFanOut instances on the given file, prints STARTED, and runs
// until it is killed. Usage: Baton.CrashHost --db PATH --log PATH --instances N [--composite]
// (--composite starts CrashComposite instances, which run CrashFanOut as a child, retry and take an event).
var db = Argument("--db");
var log = Argument("--log");
var instances = int.Parse(Argument("--instances"), System.Globalization.CultureInfo.InvariantCulture);
var composite = args.Contains("--composite");

var builder = Host.CreateApplicationBuilder();
builder.Logging.ClearProviders();
builder.UseOrleans(silo => silo
    .UseLocalhostClustering(FreeLoopbackPort(), 0)
    .AddBaton(o =>
    {
        o.PollInterval = TimeSpan.FromMilliseconds(100);
        o.RecoveryInterval = TimeSpan.FromSeconds(1);
        o.MaxConcurrentActivities = 8;
    })
    .UseSqliteStore(s => s.Path = db)
    .AddCrashWorkflows(log));

using var host = builder.Build();
await host.StartAsync();
var client = host.Services.GetRequiredService<IWorkflowClient>();
await Task.WhenAll(Enumerable.Range(0, instances).Select(async k =>
{
    if (composite)
    {
        // The event is raised at once, long before the workflow waits for it: it must be kept through the crash.
        var id = await client.StartAsync(nameof(CrashComposite), k, new StartWorkflowOptions { InstanceId = $"composite-{k:D3}" });
        await client.RaiseEventAsync(id, "go", k);
    }
    else
    {
        await client.StartAsync(nameof(CrashFanOut), k, new StartWorkflowOptions { InstanceId = $"crash-{k:D3}" });
    }
}));
Console.WriteLine("STARTED");
await host.WaitForShutdownAsync();

static int FreeLoopbackPort()
{
    using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
    listener.Start();
    return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
}

string Argument(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : throw new ArgumentException($"Missing {name}.");
}
