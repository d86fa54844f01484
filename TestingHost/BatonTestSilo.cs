using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.TestingHost;

namespace Baton.TestingHost;

/// <summary>One silo of a <see cref="BatonTestCluster"/>.</summary>
public sealed class BatonTestSilo
{
    internal BatonTestSilo(InProcessSiloHandle handle)
    {
        Handle = handle;
    }

    internal InProcessSiloHandle Handle { get; }

    /// <summary>The silo's Orleans name (Primary, Secondary_1, …).</summary>
    public string Name => Handle.Name;

    /// <summary>The silo's Orleans address; Baton records it (with its generation) as the owner of what it runs.</summary>
    public SiloAddress Address => Handle.SiloAddress;

    /// <summary>The silo's services: its store, grain factory and options.</summary>
    public IServiceProvider Services => Handle.SiloHost.Services;

    /// <summary>A client that runs inside this silo, as the API host's does.</summary>
    public IWorkflowClient Client => Services.GetRequiredService<IWorkflowClient>();

    /// <summary>The grain factory of this silo.</summary>
    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    /// <summary>Whether the silo is still running (false once it was killed or stopped).</summary>
    public bool IsActive => Handle.IsActive;

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Address})";
}
