using Baton.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;

namespace Baton.TestingHost;

/// <summary>How a <see cref="BatonTestCluster"/> starts its silos. Every delegate runs once per silo, for every silo.</summary>
public sealed class BatonTestClusterOptions
{
    /// <summary>How many silos start with the cluster. Default: 1.</summary>
    public int InitialSilos { get; set; } = 1;

    /// <summary>
    /// The SQLite file every silo of the cluster shares. Null (the default): a new file in a temporary folder that the
    /// cluster deletes when disposed; a given file is left behind.
    /// </summary>
    public string? DatabasePath { get; set; }

    /// <summary>
    /// Chooses the store every silo uses, such as <c>b => b.UsePostgresStore(…)</c>. Null (the default): the SQLite file
    /// at <see cref="DatabasePath"/>.
    /// </summary>
    public Action<BatonBuilder>? Store { get; set; }

    /// <summary>
    /// Baton's options for every silo, applied after the test defaults (activity claims every 200 ms, recovery every
    /// second).
    /// </summary>
    public Action<BatonOptions>? Baton { get; set; }

    /// <summary>Registers the workflows and activities (and anything else on the builder) on every silo.</summary>
    public Action<BatonBuilder>? Register { get; set; }

    /// <summary>Adds or replaces services on every silo (a manual clock, a fake activity dependency).</summary>
    public Action<IServiceCollection>? Services { get; set; }

    /// <summary>
    /// Orleans membership timing for every silo, applied after the test defaults, which declare a killed silo dead
    /// within a few seconds (probes every second, two missed probes).
    /// </summary>
    public Action<ClusterMembershipOptions>? Membership { get; set; }
}
