using Baton.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Baton.Silo;

/// <summary>
/// A silo node on the embedded SQLite store. Options bind from the "Baton" configuration section
/// (appsettings.json, BATON__* environment variables or --Baton:Name=value arguments).
/// </summary>
internal static class Program
{
    private static async Task Main(string[] args)
    {
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
    }
}
