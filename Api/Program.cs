using System.Text.Json.Serialization;
using Baton.Api.Routes;
using Baton.Silo.Hosting;

// Baton's main node: the HTTP API in front of a silo on the embedded SQLite store.
// Options bind from the "Baton" configuration section; the store file is <Baton:DataDirectory>/baton.db.
var builder = WebApplication.CreateBuilder(args);
builder.WebHost.UseUrls(builder.Configuration["urls"] ?? "http://127.0.0.1:5080");
builder.Services.AddProblemDetails();
builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
builder.Services.AddBatonNode(builder.Configuration);

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapHealth();
app.MapInstances();
app.Run();

/// <summary>The API host's entry point, public for WebApplicationFactory.</summary>
public partial class Program;
