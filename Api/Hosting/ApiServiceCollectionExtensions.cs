using Baton.Api.OpenApi;
using System.Text.Json.Serialization;
using Baton.Api.Access;
using Baton.Api.Events;
using Baton.Api.Http;
using Baton.Api.Dashboard;
using Baton.Api.Routes;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Baton.Silo.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;

namespace Baton.Api.Hosting;

/// <summary>The HTTP front end's services and routes.</summary>
public static class ApiServiceCollectionExtensions
{
    /// <summary>Adds the API's services: options from <c>Baton:Api</c>, problem details, access control, status events, OpenAPI.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The host's configuration.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddBatonApi(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ApiOptions>().Bind(configuration.GetSection(ApiOptions.Section)).Validate(o => { o.Validate(); return true; })
            .Validate<IOptions<BatonOptions>>((api, baton) => { api.ValidateNamespaces(baton.Value.Namespaces.Keys); return true; }).ValidateOnStart();
        services.AddProblemDetails(problems => problems.CustomizeProblemDetails = context =>
        {
            // Problems the framework writes (status code pages, binding failures) get an errorCode too, as Baton's own do.
            if (!context.ProblemDetails.Extensions.ContainsKey(BatonProblems.ErrorCode))
            {
                context.ProblemDetails.Extensions[BatonProblems.ErrorCode] = BatonProblems.CodeFor(context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode);
            }
        });
        services.AddExceptionHandler<BatonProblems>();
        // A query value that does not parse (waitSeconds=abc) throws, so that its problem says which value and why rather
        // than a bare "Bad Request".
        services.Configure<RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        services.AddSingleton<RequestBody>();
        services.AddHttpContextAccessor();
        services.AddScoped<RequestNamespace>();
        services.AddKeyedScoped<IWorkflowClient>(RequestNamespace.Client, (sp, _) => sp.GetRequiredService<RequestNamespace>().WorkflowClient);
        AccessAuthentication.Add(services);
        services.AddAuthorization();
        services.AddOptions<AuthorizationOptions>().Configure<IOptions<ApiOptions>>((authorization, api) => AccessPolicies.Add(authorization, api.Value.Access));
        services.AddSingleton<StatusEventHub>();
        services.AddHostedService(sp => sp.GetRequiredService<StatusEventHub>());
        services.AddHttpClient(WebhookDispatcher.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(30));
        services.AddHostedService<WebhookDispatcher>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<Dashboard.DashboardMetrics>();
        services.AddSingleton<Dashboard.WorkflowStatistics>();
        services.AddSingleton<Dashboard.ClusterView>();
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer<BatonOpenApiTransformer>();
            options.AddOperationTransformer<BatonOpenApiTransformer>();
        });
        return services;
    }

    /// <summary>Reads and checks the API options, for decisions made before the host is built.</summary>
    /// <param name="configuration">The host's configuration.</param>
    /// <returns>The options.</returns>
    /// <exception cref="InvalidOperationException">An option is invalid; the message names it.</exception>
    public static ApiOptions ReadOptions(IConfiguration configuration)
    {
        var options = new ApiOptions();
        configuration.GetSection(ApiOptions.Section).Bind(options);
        options.Validate();
        return options;
    }

    /// <summary>Adds the API's middleware and maps every route.</summary>
    /// <param name="app">The application.</param>
    /// <returns>The application.</returns>
    public static WebApplication UseBatonApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseEncodedSlashGuard();
        app.MapOpenApi().RequireAuthorization(AccessPolicies.Read);
        app.MapHealth();
        app.MapInstances();
        app.MapInstanceControl();
        app.MapQueries();
        app.MapUpdates();
        app.MapSchedules();
        app.MapCallbacks();
        app.MapWorkflowStarters();
        app.MapWorkflowCatalog();
        app.MapEvents();
        app.MapEntities();
        app.MapLimits();
        app.MapDashboard();
        if (app.Configuration.GetValue($"Orleans:{BatonNodeExtensions.DashboardKey}", true) && !app.Configuration.GetValue(BatonNodeExtensions.FrontEndKey, false))
        {
            // Orleans' own view of silos, grains and calls, served where a silo runs; Baton's access control guards it like any reading route.
            app.MapOrleansDashboard(routePrefix: "/orleans").RequireAuthorization(AccessPolicies.Read).ExcludeFromDescription();
        }

        return app;
    }
}
