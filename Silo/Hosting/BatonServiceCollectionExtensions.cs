using Baton.Silo.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Baton.Silo.Hosting;

/// <summary>The hosting entry point of Baton.</summary>
public static class BatonServiceCollectionExtensions
{
    /// <summary>
    /// Adds a Baton silo (hosted service) and an in-process <see cref="IWorkflowClient"/>. Calling it again
    /// returns the same builder and applies <paramref name="configure"/> on top.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets silo options; null for the defaults.</param>
    /// <returns>The builder on which to register workflows, activities and a store.</returns>
    public static BatonBuilder AddBaton(this IServiceCollection services, Action<BatonOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = services.FirstOrDefault(d => d.ServiceType == typeof(BatonBuilder))?.ImplementationInstance as BatonBuilder;
        if (builder is null)
        {
            builder = new BatonBuilder(services);
            services.AddSingleton(builder);
            services.AddSingleton(builder.Registry);
            services.AddOptions<BatonOptions>();
            services.TryAddSingleton(TimeProvider.System);
            services.TryAddSingleton<CompletionNotifier>();
            services.TryAddSingleton<SiloRuntime>();
            services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<SiloRuntime>());
            services.TryAddSingleton<IWorkflowClient, InProcessWorkflowClient>();
        }

        if (configure is not null)
        {
            services.Configure(configure);
        }

        return builder;
    }
}
