using System.Net;
using Baton.Client;
using Baton.Grains.Storage;
using Baton.Silo.Clustering;
using Baton.Silo.Storage.Postgres;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
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

    /// <summary>
    /// The configuration section of the PostgreSQL store (<c>ConnectionString</c>, <c>Schema</c>). With a connection string
    /// the node keeps everything there and joins the cluster of the silos that share it; without one it runs alone on SQLite.
    /// </summary>
    public const string PostgresSection = "Baton:Postgres";

    /// <summary>
    /// The configuration section of the Azure Storage store (<c>ConnectionString</c>, <c>TablePrefix</c>). With a connection
    /// string (and none for PostgreSQL) the node keeps everything in that account and joins the cluster of the silos that
    /// share it.
    /// </summary>
    public const string AzureSection = "Baton:Azure";

    /// <summary>The key that makes the API host a front end without a silo (<see cref="AddBatonFrontEnd"/>). Default: false.</summary>
    public const string FrontEndKey = "Baton:FrontEnd";

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
    /// Makes the host an Orleans silo with Baton and the sample workflows registered. With a connection string in
    /// <see cref="PostgresSection"/>, the store, Orleans' reminders and its membership are in PostgreSQL, and the silo joins
    /// the cluster of every silo on that database; with one in <see cref="AzureSection"/> instead, they are in that Azure
    /// Storage account (Tables and Blobs) and the silo joins the cluster of every silo on it; otherwise the store is the SQLite file <c>baton.db</c> in
    /// <see cref="DataDirectoryKey"/> and the silo is a cluster of one (localhost clustering). Baton's options bind from
    /// the <c>Baton</c> section; Orleans' from the <c>Orleans</c> section: <c>SiloPort</c> (default 11111),
    /// <c>GatewayPort</c> (default 30000; 0 for none), <c>AdvertisedIPAddress</c> (default 127.0.0.1: the address other
    /// silos and clients reach this one at; the silo listens on every address when it is not a loopback one),
    /// <c>ClusterId</c> and <c>ServiceId</c> (default <c>baton</c>), <c>Membership</c> (Orleans'
    /// <c>ClusterMembershipOptions</c>, over Baton's quicker failure detection) and <c>Dashboard</c> (default true: the silo
    /// reports to the Orleans dashboard, which the API node serves at <c>/orleans</c>).
    /// </summary>
    /// <param name="host">The host builder.</param>
    /// <returns>The builder, to register more workflows and activities.</returns>
    public static BatonBuilder AddBatonNode(this IHostApplicationBuilder host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var configuration = host.Configuration;
        var dataDirectory = configuration[DataDirectoryKey] ?? "data";
        var orleans = configuration.GetSection("Orleans");
        var postgres = configuration.GetSection(PostgresSection);
        var azure = configuration.GetSection(AzureSection);
        // Orleans and its placement retries log every start-up step at Information, and HttpClient every webhook delivery; a
        // node's own log wants their warnings only.
        host.Logging.AddFilter("Orleans", LogLevel.Warning).AddFilter("Polly", LogLevel.Warning).AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        host.AddBatonTelemetry();
        BatonBuilder? baton = null;
        host.UseOrleans(silo =>
        {
            var siloPort = orleans.GetValue("SiloPort", 11111);
            var gatewayPort = orleans.GetValue("GatewayPort", 30000);
            var serviceId = orleans["ServiceId"] ?? "baton";
            var clusterId = orleans["ClusterId"] ?? "baton";
            baton = silo.AddBaton(options => configuration.GetSection("Baton").Bind(options));
            var shared = !string.IsNullOrWhiteSpace(postgres["ConnectionString"]) || !string.IsNullOrWhiteSpace(azure["ConnectionString"]);
            if (shared)
            {
                var advertised = IPAddress.Parse(orleans["AdvertisedIPAddress"] ?? "127.0.0.1");
                silo.Configure<Orleans.Configuration.ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, serviceId))
                    .ConfigureEndpoints(advertised, siloPort, gatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(advertised));
            }

            if (!string.IsNullOrWhiteSpace(postgres["ConnectionString"]))
            {
                silo.UsePostgresClustering();
                baton.UsePostgresStore(store => postgres.Bind(store));
            }
            else if (shared)
            {
                silo.UseAzureClustering();
                baton.UseAzureStore(store => azure.Bind(store));
            }
            else
            {
                silo.UseLocalhostClustering(siloPort, gatewayPort, serviceId: serviceId, clusterId: clusterId);
                baton.UseSqliteStore(store => store.Path = Path.Combine(dataDirectory, "baton.db"));
            }

            silo.Configure<Orleans.Configuration.ClusterMembershipOptions>(orleans.GetSection("Membership"));
            baton.AddSampleWorkflows();
            if (orleans.GetValue(DashboardKey, true))
            {
                silo.AddDashboard();
            }
        });
        return baton!;
    }

    /// <summary>
    /// Makes the host a front end of a cluster on PostgreSQL or Azure Storage, without a silo of its own: an Orleans client
    /// that finds the silos through the membership in <see cref="PostgresSection"/> (or <see cref="AzureSection"/>) and serves <see cref="IWorkflowClient"/> through them,
    /// with the store opened for what a front end reads itself (the status event log) and the sample workflows registered
    /// (for typed routes and the catalog; register the same workflows as the silos). The cluster's ids come from the
    /// <c>Orleans</c> section as in <see cref="AddBatonNode"/>.
    /// </summary>
    /// <param name="host">The host builder.</param>
    /// <returns>A builder to register more workflows (their types, for routes); activities registered here never run here.</returns>
    /// <exception cref="InvalidOperationException">Neither a PostgreSQL nor an Azure Storage connection string is configured.</exception>
    public static BatonBuilder AddBatonFrontEnd(this IHostApplicationBuilder host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var configuration = host.Configuration;
        var postgres = configuration.GetSection(PostgresSection);
        var azure = configuration.GetSection(AzureSection);
        var onPostgres = !string.IsNullOrWhiteSpace(postgres["ConnectionString"]);
        if (!onPostgres && string.IsNullOrWhiteSpace(azure["ConnectionString"]))
        {
            throw new InvalidOperationException($"A front end needs the cluster's store: set {PostgresSection}:ConnectionString or {AzureSection}:ConnectionString.");
        }

        var orleans = configuration.GetSection("Orleans");
        host.Logging.AddFilter("Orleans", LogLevel.Warning).AddFilter("Polly", LogLevel.Warning).AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        host.UseOrleansClient(client =>
        {
            client.Configure<Orleans.Configuration.ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (orleans["ClusterId"] ?? "baton", orleans["ServiceId"] ?? "baton"));
            if (onPostgres)
            {
                client.UsePostgresClustering(store => postgres.Bind(store));
            }
            else
            {
                client.UseAzureClustering(store => azure.Bind(store));
            }

            client.AddBatonClusterClient();
        });

        var services = host.Services;
        var baton = new BatonBuilder(services);
        services.AddSingleton(baton);
        services.AddSingleton(baton.Registry);
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<BatonOptions>().Bind(configuration.GetSection("Baton"));
        services.TryAddSingleton<Baton.Grains.Registry.NamespaceCatalog>(); // the namespaces, as the silos declare them, for the catalog and the dashboard
        if (onPostgres)
        {
            baton.AddPostgresWorkflowStore(store => postgres.Bind(store));
        }
        else
        {
            baton.AddAzureWorkflowStore(store => azure.Bind(store));
        }

        services.AddHostedService<StoreInitializer>();
        return baton.AddSampleWorkflows();
    }

    /// <summary>Opens a front end's store before the services that read it start; a silo opens its store as it starts.</summary>
    private sealed class StoreInitializer(IWorkflowStore store) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => store.InitializeAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
