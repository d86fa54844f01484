using Baton;
using Baton.Samples.Monitor;
using Baton.Silo.Hosting;

// One command: a Baton silo on SQLite, a simulated outside job and a webhook receiver on 127.0.0.1, and a monitor that
// watches the job until it is done, reporting each change to the webhook and continuing as new every 3 changes.
var builder = WebApplication.CreateBuilder(args);
var port = builder.Configuration.GetValue("port", 5091);
builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
builder.Logging.AddFilter("Orleans", LogLevel.Warning).AddFilter("Microsoft", LogLevel.Warning).AddFilter("System.Net.Http", LogLevel.Warning);
var dataDirectory = builder.Configuration["data"] ?? "data";
Directory.CreateDirectory(dataDirectory);
builder.UseOrleans(silo => silo
    .UseLocalhostClustering(siloPort: builder.Configuration.GetValue("siloPort", 11131), gatewayPort: 0)
    .AddBaton()
    .UseSqliteStore(store => store.Path = Path.Combine(dataDirectory, "monitor.db"))
    .AddJobMonitor());

var app = builder.Build();
var job = new SimulatedJob(TimeProvider.System, TimeSpan.FromSeconds(3));
app.MapGet("/job", () => job.Status);
app.MapPost("/webhook", (StatusChange change) =>
{
    Console.WriteLine($"webhook: change {change.Iteration}: {change.From ?? "(none)"} -> {change.To}");
    return Results.Ok();
});
await app.StartAsync();

var client = app.Services.GetRequiredService<IWorkflowClient>();
var baseUrl = $"http://127.0.0.1:{port}";
var id = await client.StartAsync(nameof(JobMonitor), new MonitorRequest
{
    JobUrl = $"{baseUrl}/job",
    WebhookUrl = $"{baseUrl}/webhook",
    IterationsPerRun = 3,
    PollInterval = TimeSpan.FromSeconds(1),
    MaxPollInterval = TimeSpan.FromSeconds(2),
});
Console.WriteLine($"monitor {id} started; watching {baseUrl}/job");
var status = await client.WaitForCompletionAsync(id, TimeSpan.FromMinutes(2));
var result = status.ReadOutput<MonitorResult>()!;
Console.WriteLine($"monitor {id} {status.RuntimeStatus}: the job is {result.FinalStatus} after {result.Iterations} changes");
await app.StopAsync();
