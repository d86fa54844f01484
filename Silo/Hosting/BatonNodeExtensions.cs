using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Dashboard;
using Orleans.Hosting;

namespace Baton.Silo.Hosting;

/// <summary>The configuration that Baton's own hosts (the API node and the worker silo) share.</summary>
public static class BatonNodeExtensions
{
    /// <summary>The configuration key of the folder holding the SQLite file <c>baton.db</c>. Default: <c>data</c>.</summary>
    public const string DataDirectoryKey = "Baton:DataDirectory";

    /// <summary>The key, in the <c>Orleans</c> section, that turns the silo's Orleans dashboard reporting off.</summary>
    public const string DashboardKey = "Dashboard";

    /// <summary>
    /// The host's arguments with configuration reload on file change turned off (the arguments given may turn it back
    /// on). Its watcher covers the content root and every folder under it, so with the data directory there it would
    /// wake for every commit's write: several percent of a node's CPU for nothing. A node reads its settings at start.
    /// </summary>
    /// <param name="args">The process's arguments.</param>
    /// <returns>The arguments to build the host with.</returns>
    public static string[] NodeArguments(string[] args) => ["--hostBuilder:reloadConfigOnChange=false", .. args];

    /// <summary>
    /// Makes the host an Orleans silo with Baton on a SQLite store in <see cref="DataDirectoryKey"/>, the sample workflows
    /// registered, and localhost clustering. Baton's options bind from the <c>Baton</c> section; Orleans' from the
    /// <c>Orleans</c> section: <c>SiloPort</c> (default 11111), <c>GatewayPort</c> (default 30000; 0 for none),
    /// <c>ClusterId</c> and <c>ServiceId</c> (default <c>baton</c>), and <c>Dashboard</c> (default true: the silo reports
    /// to the Orleans dashboard, which the API node serves at <c>/orleans</c>).
    /// </summary>
    /// <param name="host">The host builder.</param>
    /// <returns>The builder, to register more workflows and activities.</returns>
    public static BatonBuilder AddBatonNode(this IHostApplicationBuilder host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var configuration = host.Configuration;
        var dataDirectory = configuration[DataDirectoryKey] ?? "data";
        var orleans = configuration.GetSection("Orleans");
        // Orleans and its placement retries log every start-up step at Information; a node's own log wants their warnings only.
        host.Logging.AddFilter("Orleans", LogLevel.Warning).AddFilter("Polly", LogLevel.Warning);
        BatonBuilder? baton = null;
        host.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(
                orleans.GetValue("SiloPort", 11111),
                orleans.GetValue("GatewayPort", 30000),
                serviceId: orleans["ServiceId"] ?? "baton",
                clusterId: orleans["ClusterId"] ?? "baton");
            baton = silo
                .AddBaton(options => configuration.GetSection("Baton").Bind(options))
                .UseSqliteStore(store => store.Path = Path.Combine(dataDirectory, "baton.db"))
                .AddSampleWorkflows();
            if (orleans.GetValue(DashboardKey, true))
            {
                silo.AddDashboard();
            }
        });
        return baton!;
    }
}
