using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Baton.Client;

/// <summary>Registers the HTTP <see cref="IWorkflowClient"/> for dependency injection.</summary>
public static class BatonClientServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IWorkflowClient"/> as an <see cref="HttpWorkflowClient"/> on a typed <see cref="HttpClient"/> from
    /// <c>IHttpClientFactory</c>, so handlers and lifetimes follow the factory's rules.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the node's address (required) and credentials.</param>
    /// <returns>The HTTP client builder, to add handlers (retries, logging) to the client.</returns>
    public static IHttpClientBuilder AddBatonClient(this IServiceCollection services, Action<BatonClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<BatonClientOptions>().Configure(configure).Validate(o => { o.Validate(); return true; });
        return services.AddHttpClient<IWorkflowClient, HttpWorkflowClient>((http, sp) =>
            new HttpWorkflowClient(http, sp.GetRequiredService<IOptions<BatonClientOptions>>().Value));
    }
}
