using Baton;
using Baton.Api.Hosting;
using Baton.Samples.AiPipeline;
using Baton.Silo.Hosting;

// One command: a Baton node (HTTP API and silo on SQLite) with the pipeline's workflows, on http://127.0.0.1:5093. It
// ingests the bundled documents on start unless told not to (--ingest=false); see README.md for the curl walk-through.
var builder = WebApplication.CreateBuilder(BatonNodeExtensions.NodeArguments(args));
var port = builder.Configuration.GetValue("port", 5093);
builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
{
    ["urls"] = builder.Configuration["urls"] ?? $"http://127.0.0.1:{port}",
    ["Orleans:SiloPort"] = builder.Configuration["Orleans:SiloPort"] ?? "11161",
    ["Orleans:GatewayPort"] = builder.Configuration["Orleans:GatewayPort"] ?? "0",
});
builder.WebHost.UseUrls(builder.Configuration["urls"]!);
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
builder.AddBatonNode().AddAiPipeline(builder.Configuration);
builder.Services.AddBatonApi(builder.Configuration);

var app = builder.Build();
app.UseBatonApi();
app.MapPipelineStart();
Console.WriteLine(app.Services.GetRequiredService<PipelineModels>().Description);
await app.StartAsync();
if (app.Configuration.GetValue("ingest", true))
{
    // One ingestion per start, under a fixed id: a restart while it runs resumes it rather than starting another.
    var client = app.Services.GetRequiredService<IWorkflowClient>();
    var id = await client.StartAsync(nameof(IngestDocuments), new IngestRequest(),
        new StartWorkflowOptions { InstanceId = "ingest-documents", IfExists = InstanceIdReusePolicy.RecreateIfFinished });
    Console.WriteLine($"ingesting the bundled documents: instance {id}");
}

await app.WaitForShutdownAsync();
