using System.Security.Cryptography;
using Baton.Api.Hosting;
using Baton.Samples.AiOrders;
using Baton.Silo.Hosting;

// One command: a Baton node (HTTP API and silo on SQLite) with the AI order approval workflow, its simulated shop, and a
// webhook receiver of the node's status events, all on http://127.0.0.1:5092. See README.md for the curl walk-through.
var builder = WebApplication.CreateBuilder(BatonNodeExtensions.NodeArguments(args));
var port = builder.Configuration.GetValue("port", 5092);
var secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
{
    ["urls"] = builder.Configuration["urls"] ?? $"http://127.0.0.1:{port}",
    ["Orleans:SiloPort"] = builder.Configuration["Orleans:SiloPort"] ?? "11141",
    ["Orleans:GatewayPort"] = builder.Configuration["Orleans:GatewayPort"] ?? "0",
    ["Baton:Api:Webhooks:0:Url"] = $"http://127.0.0.1:{port}/receiver",
    ["Baton:Api:Webhooks:0:Secret"] = secret,
});
builder.WebHost.UseUrls(builder.Configuration["urls"]!);
builder.AddBatonNode().AddAiOrderApproval(builder.Configuration);
builder.Services.AddBatonApi(builder.Configuration);
builder.Services.AddSingleton(new StatusEventReceiver(secret));

var app = builder.Build();
app.UseBatonApi();
var receiver = app.Services.GetRequiredService<StatusEventReceiver>();
app.MapPost("/receiver", (HttpRequest request) => receiver.ReceiveAsync(request)).AllowAnonymous().ExcludeFromDescription();
app.MapGet("/receiver", () => receiver.Received).AllowAnonymous().ExcludeFromDescription();
app.MapGet("/shop", (SimulatedShop shop) => shop.Journal.ToArray()).AllowAnonymous().ExcludeFromDescription();
Console.WriteLine(app.Services.GetRequiredService<IRiskScorer>() is RuleRiskScorer
    ? "risk: scored by the offline rules (set OrderApproval:Model:ApiKey, and Endpoint and Model if needed, to score with a model)"
    : "risk: scored by the configured model");
app.Run();
