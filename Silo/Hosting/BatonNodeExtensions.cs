using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Silo.Hosting;

/// <summary>The configuration that Baton's own hosts (the API node and the bare silo) share.</summary>
public static class BatonNodeExtensions
{
    /// <summary>The configuration key of the folder holding the SQLite file <c>baton.db</c>. Default: <c>data</c>.</summary>
    public const string DataDirectoryKey = "Baton:DataDirectory";

    /// <summary>
    /// Adds a silo whose options bind from the <c>Baton</c> configuration section, on a SQLite store in
    /// <see cref="DataDirectoryKey"/>, with the sample workflows registered.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The host's configuration.</param>
    /// <returns>The builder, to register more workflows and activities.</returns>
    public static BatonBuilder AddBatonNode(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var dataDirectory = configuration[DataDirectoryKey] ?? "data";
        return services
            .AddBaton(options => configuration.GetSection("Baton").Bind(options))
            .UseSqliteStore(store => store.Path = Path.Combine(dataDirectory, "baton.db"))
            .AddSampleWorkflows();
    }
}
