using Orleans.Runtime.MembershipService.SiloMetadata;
using Baton.Serialization;
using Orleans.Serialization;
using Baton.Grains;
using Baton.Grains.Registry;
using Baton.Grains.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;

namespace Baton.Silo.Hosting;

/// <summary>The hosting entry point of Baton: a silo runs Baton's grains once <see cref="AddBaton"/> is called on its builder.</summary>
public static class BatonSiloBuilderExtensions
{
    /// <summary>
    /// Adds Baton to an Orleans silo: the workflow and activity grains, the activity workers, recovery of instances left
    /// by dead silos, reminders, and an <see cref="IWorkflowClient"/> for code in the same process. Calling it again
    /// returns the same builder and applies <paramref name="configure"/> on top. A store is still needed:
    /// <see cref="BatonBuilder.UseSqliteStore"/>.
    /// </summary>
    /// <param name="silo">The silo builder.</param>
    /// <param name="configure">Sets Baton's options; null for the defaults.</param>
    /// <returns>The builder on which to register workflows, activities and a store.</returns>
    public static BatonBuilder AddBaton(this ISiloBuilder silo, Action<BatonOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var services = silo.Services;
        var builder = services.FirstOrDefault(d => d.ServiceType == typeof(BatonBuilder))?.ImplementationInstance as BatonBuilder;
        if (builder is null)
        {
            builder = new BatonBuilder(services);
            // Trace context travels with grain calls, so that a turn's span is a child of the call that brought it, on any silo.
            silo.AddActivityPropagation();
            services.AddSingleton(builder);
            services.AddSingleton(builder.Registry);
            services.AddOptions<BatonOptions>();
            services.TryAddKeyedSingleton(BatonClock.ServiceKey, TimeProvider.System);
            services.TryAddSingleton<CompletionNotifier>();
            services.TryAddSingleton<LocalInstances>();
            services.TryAddSingleton<SiloIdentity>();
            services.TryAddSingleton<InstanceServices>();
            services.TryAddSingleton<ActivityRunner>();
            services.TryAddSingleton<InstanceRecovery>();
            services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, BatonSiloLifecycle>();
            services.TryAddSingleton<NamespaceCatalog>();
            services.TryAddSingleton<IWorkflowClientFactory, SiloWorkflowClients>();
            services.TryAddSingleton<IWorkflowClient>(sp => sp.GetRequiredService<IWorkflowClientFactory>().ForNamespace(null));
            // Each silo publishes the queues it serves in Orleans' silo metadata, for IActivityQueues on every silo. The
            // metadata is fixed when the silo starts; the dictionary is filled below, from the options as configured here.
            silo.UseSiloMetadata(builder.SiloMetadata);
            services.TryAddSingleton<IActivityQueues, ClusterActivityQueues>();
            // Quicker failure detection than Orleans' defaults (which took 5–12 s to declare a killed silo dead and about a
            // minute for a hung one): measured here, a killed silo is declared dead in about a second and a hung one
            // (SIGSTOP) in 8–14 s. A dead silo's instances wait that long to move, so it is the recovery time's floor.
            services.AddOptions<ClusterMembershipOptions>().Configure(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(1);
                o.NumMissedProbesLimit = 2;
                o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
            });
            // Orleans caches where each grain it has called lives, up to a million entries by default: about 430 bytes each,
            // most of the memory of instances that were collected while they wait. A hundred thousand keep the hot ones
            // routed without a directory lookup (measured: 100,000 collected instances took 64 MB of heap with the default,
            // 21 MB with a cache of 10,000). Configure GrainDirectoryOptions after AddBaton to change it.
            services.AddOptions<GrainDirectoryOptions>().Configure(o => o.CacheSize = 100_000);
            services.AddOptions<GrainCollectionOptions>().Configure<IOptions<BatonOptions>>((collection, baton) =>
                collection.ClassSpecificCollectionAge[typeof(WorkflowGrain).FullName!] = baton.Value.IdleTimeout);
            silo.AddReminders();
            services.AddSerializer(serializer => serializer.AddBatonWireTypes());
            // Schedules are workflows of Baton's own, on every silo.
            builder.AddWorkflow<Baton.Grains.Schedules.ScheduleWorkflow>(ScheduleClient.WorkflowName)
                .AddActivity<Baton.Grains.Schedules.StartScheduledRun>(Baton.Grains.Schedules.ScheduleActivities.Start)
                .AddActivity<Baton.Grains.Schedules.IsScheduledRunLive>(Baton.Grains.Schedules.ScheduleActivities.IsLive)
                .AddActivity<Baton.Grains.Schedules.TerminateScheduledRun>(Baton.Grains.Schedules.ScheduleActivities.Terminate);
        }

        if (configure is not null)
        {
            services.Configure(configure);
            builder.OptionsActions.Add(configure);
        }

        var configured = new BatonOptions();
        builder.OptionsActions.ForEach(action => action(configured));
        builder.SiloMetadata[ClusterActivityQueues.MetadataKey] = string.Join(',', configured.ActivityQueues);
        return builder;
    }

    /// <summary>
    /// The builder of the Baton a host's silo already has, to register more workflows and activities from code that sees
    /// only the service collection (a test fixture's <c>ConfigureTestServices</c>, say).
    /// </summary>
    /// <param name="services">The host's service collection.</param>
    /// <returns>The builder <see cref="AddBaton"/> returned.</returns>
    /// <exception cref="InvalidOperationException">No silo with Baton is configured on these services.</exception>
    public static BatonBuilder GetBatonBuilder(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.FirstOrDefault(d => d.ServiceType == typeof(BatonBuilder))?.ImplementationInstance as BatonBuilder
            ?? throw new InvalidOperationException("Baton is not added to this host: call AddBaton on its silo builder (or AddBatonNode on the host) first.");
    }
}
