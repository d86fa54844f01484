using Baton;
using Baton.Samples.Sweep;
using Baton.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Hosting;

// One command: a Baton silo on SQLite that runs a training sweep over the bundled data set and prints the trials and
// the best. With --gpu the silo also serves the "gpu" queue, and the trials run there.
var builder = Host.CreateApplicationBuilder(args);
builder.Logging.AddFilter("Orleans", LogLevel.Warning).AddFilter("Microsoft", LogLevel.Warning).AddFilter("Polly", LogLevel.Warning);
var dataDirectory = builder.Configuration["data"] ?? "data";
Directory.CreateDirectory(dataDirectory);
var gpu = args.Contains("--gpu");
builder.UseOrleans(silo => silo
    .UseLocalhostClustering(siloPort: builder.Configuration.GetValue("siloPort", 11151), gatewayPort: 0)
    .AddBaton(o => o.ActivityQueues = gpu ? ["default", TrainingSweep.GpuQueue] : ["default"])
    .UseSqliteStore(store => store.Path = Path.Combine(dataDirectory, "sweep.db"))
    .AddTrainingSweep());

using var host = builder.Build();
await host.StartAsync();
var client = host.Services.GetRequiredService<IWorkflowClient>();
var id = await client.StartAsync(nameof(TrainingSweep), new SweepRequest());
Console.WriteLine($"sweep {id} started");
var status = await client.WaitForCompletionAsync(id, TimeSpan.FromMinutes(10));
var report = status.ReadOutput<SweepReport>()!;
Console.WriteLine($"queue: {report.Queue}");
foreach (var trial in report.Trials)
{
    Console.WriteLine($"trial {trial.Trial,2}: L1 {trial.L1,-5} L2 {trial.L2,-6} AUC {trial.Auc:0.0000}  accuracy {trial.Accuracy:0.0000}");
}

Console.WriteLine($"best: trial {report.Best.Trial} (L1 {report.Best.L1}, L2 {report.Best.L2}), AUC {report.Best.Auc:0.0000}");
await host.StopAsync();
