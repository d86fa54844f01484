using System.Net;
using System.Net.Sockets;

namespace Baton.Silo.Tests;

/// <summary>Free loopback ports for silos, so that tests running in parallel never share one.</summary>
public static class LoopbackPorts
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
