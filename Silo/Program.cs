using Baton.Silo;
using Baton.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// A silo node on the embedded SQLite store. Options bind from the "Baton" configuration section
// (appsettings.json, BATON__* environment variables or --Baton:Name=value arguments).
var builder = Host.CreateApplicationBuilder(args);
var dataDirectory = builder.Configuration["Baton:DataDirectory"] ?? "data";
builder.Services
    .AddBaton(options => builder.Configuration.GetSection("Baton").Bind(options))
    .UseSqliteStore(store => store.Path = Path.Combine(dataDirectory, "baton.db"))
    .AddSampleWorkflows();

if (args.Contains("--run-samples"))
{
    builder.Services.AddHostedService<SampleRunner>();
}

await builder.Build().RunAsync();
