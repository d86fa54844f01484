using Baton.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Baton.Silo;

/// <summary>
/// A silo node: on the embedded SQLite store, or on PostgreSQL in a cluster (Baton:Postgres:ConnectionString). Options bind from the "Baton" configuration section
/// (appsettings.json, BATON__* environment variables or --Baton:Name=value arguments).
/// </summary>
internal static class Program
{
    private static async Task Main(string[] args)
    {
        // --run-samples is a switch, not a setting: kept from configuration, which would read the next argument as its value.
        const string RunSamples = "--run-samples";
        var builder = Host.CreateApplicationBuilder(BatonNodeExtensions.NodeArguments(args.Where(a => a != RunSamples).ToArray()));
        builder.AddBatonNode();

        if (args.Contains(RunSamples))
        {
            builder.Services.AddHostedService<SampleRunner>();
        }

        await builder.Build().RunAsync();
    }
}
