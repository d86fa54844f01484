using Baton.Silo.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;

namespace Baton.Api.Tests;

/// <summary>The API host in memory, on a SQLite file of its own that is deleted afterwards, with the test workflows registered.</summary>
public class BatonApiFactory : WebApplicationFactory<Program>
{
    /// <summary>The folder of this host's store.</summary>
    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "baton-api-tests", Guid.NewGuid().ToString("N"));

    /// <summary>Settings on top of the defaults, for fixtures that configure access control or limits.</summary>
    protected virtual IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Baton:DataDirectory", DataDirectory);
        builder.UseSetting("Baton:PollInterval", "00:00:00.200");
        builder.UseSetting("Orleans:SiloPort", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Orleans:GatewayPort", "0");
        builder.UseSetting("Baton:Api:MaxRequestBodyBytes", "65536");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services => services.GetBatonBuilder().AddApiTestWorkflows());
    }

    internal static int FreePort() => Baton.TestingHost.LoopbackPorts.Next();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
