using Baton;
using Baton.CrashHost;
using Baton.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// A silo for the crash test: starts N CrashFanOut instances on the given file, prints STARTED, and runs
// until it is killed. Usage: Baton.CrashHost --db PATH --log PATH --instances N
var db = Argument("--db");
var log = Argument("--log");
var instances = int.Parse(Argument("--instances"), System.Globalization.CultureInfo.InvariantCulture);

var builder = Host.CreateApplicationBuilder();
builder.Logging.ClearProviders();
builder.Services
    .AddBaton(o =>
    {
        o.LeaseDuration = TimeSpan.FromSeconds(1);
        o.PollInterval = TimeSpan.FromMilliseconds(100);
        o.MaxConcurrentActivities = 8;
    })
    .UseSqliteStore(s => s.Path = db)
    .AddCrashWorkflows(log);

using var host = builder.Build();
await host.StartAsync();
var client = host.Services.GetRequiredService<IWorkflowClient>();
await Task.WhenAll(Enumerable.Range(0, instances).Select(k =>
    client.StartAsync(nameof(CrashFanOut), k, new StartWorkflowOptions { InstanceId = $"crash-{k:D3}" })));
Console.WriteLine("STARTED");
await host.WaitForShutdownAsync();

string Argument(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : throw new ArgumentException($"Missing {name}.");
}
