using System.Net;
using System.Net.Sockets;

namespace Baton.TestingHost;

/// <summary>
/// Ports on 127.0.0.1 for the listeners tests configure before they bind (Orleans' silo and gateway ports take a number,
/// not 0). A port the OS hands out for port 0 comes from its ephemeral range, which every outgoing connection also draws
/// from, so one may be taken again before the listener binds; these come from below that range, each once per process,
/// from a random start (other test processes pick their own), and are checked free when handed out.
/// </summary>
public static class LoopbackPorts
{
    private const int First = 20_000;
    private const int Count = 12_000; // up to 32,000: below Linux's default ephemeral range (32,768 and up)
    private static int _next = Random.Shared.Next(Count);

    /// <summary>A port on 127.0.0.1 that nothing listens on now and that this process has not handed out before.</summary>
    public static int Next()
    {
        for (var tries = 0; tries < Count; tries++)
        {
            var port = First + (int)((uint)Interlocked.Increment(ref _next) % Count);
            if (IsFree(port))
            {
                return port;
            }
        }

        throw new InvalidOperationException($"No free port on 127.0.0.1 between {First} and {First + Count}.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
