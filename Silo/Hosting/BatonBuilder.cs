using Baton.Grains.Registry;
using Baton.Grains.Storage;
using Baton.Silo.Storage;
using Baton.Silo.Storage.Azure;
using Baton.Silo.Storage.Postgres;
using Baton.Silo.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Hosting;

namespace Baton.Silo.Hosting;

/// <summary>Registers workflows, activities and the store of a Baton silo. Returned by <see cref="BatonSiloBuilderExtensions.AddBaton"/>.</summary>
public sealed class BatonBuilder
{
    internal BatonBuilder(IServiceCollection services)
    {
        Services = services;
    }

    /// <summary>The service collection being configured.</summary>
    public IServiceCollection Services { get; }

    /// <summary>The options actions given to <c>AddBaton</c>, in order, to read the queues from when the silo is built.</summary>
    internal List<Action<BatonOptions>> OptionsActions { get; } = [];

    /// <summary>What the silo publishes in Orleans' silo metadata (its queues).</summary>
    internal Dictionary<string, string> SiloMetadata { get; } = new(StringComparer.Ordinal);

    /// <summary>The workflows and activities registered so far.</summary>
    public WorkflowRegistry Registry { get; } = new();

    /// <summary>
    /// Registers the workflow <typeparamref name="TWorkflow"/> under <paramref name="name"/> (default: its class name)
    /// as <paramref name="version"/>. New instances run a name's newest version; running ones keep theirs, so keep an
    /// old version registered until its instances have finished.
    /// </summary>
    /// <typeparam name="TWorkflow">A class deriving from <see cref="Workflow{TInput, TOutput}"/> with a parameterless constructor.</typeparam>
    /// <param name="name">The name clients start it by.</param>
    /// <param name="version">The version, 1 or more. Default: 1.</param>
    /// <returns>This builder.</returns>
    public BatonBuilder AddWorkflow<TWorkflow>(string? name = null, int version = 1) where TWorkflow : class
    {
        Registry.AddWorkflow(typeof(TWorkflow), name, version);
        return this;
    }

    /// <summary>
    /// Registers the durable entity <typeparamref name="TEntity"/> under <paramref name="name"/> (default: its class name,
    /// case-insensitive): its instances are kept as <c>@{name}@{key}</c> and run under the workflow name <c>@{name}</c>.
    /// </summary>
    /// <typeparam name="TEntity">A class deriving from <see cref="Entity{TState}"/> with a parameterless constructor.</typeparam>
    /// <param name="name">The name it is addressed by (<see cref="EntityId.Name"/>).</param>
    /// <returns>This builder.</returns>
    public BatonBuilder AddEntity<TEntity>(string? name = null) where TEntity : class, new()
    {
        var state = Grains.Registry.WorkflowRegistration.FindGenericBase(typeof(TEntity), typeof(Entity<>))?.GetGenericArguments()[0]
            ?? throw new ArgumentException($"{typeof(TEntity).FullName} does not derive from Entity<TState>.", nameof(TEntity));
        name ??= typeof(TEntity).Name;
        new EntityId(name, "key").Validate();
        Registry.AddWorkflow(typeof(Grains.Entities.EntityWorkflow<,>).MakeGenericType(typeof(TEntity), state), EntityId.WorkflowNameOf(name));
        return this;
    }

    /// <summary>Registers the activity <typeparamref name="TActivity"/> under <paramref name="name"/> (default: its class name); it is resolved from the container per execution.</summary>
    /// <typeparam name="TActivity">A class deriving from <see cref="Activity{TInput, TOutput}"/>.</typeparam>
    /// <param name="name">The name workflows call it by.</param>
    /// <returns>This builder.</returns>
    public BatonBuilder AddActivity<TActivity>(string? name = null) where TActivity : class
    {
        Registry.AddActivity(typeof(TActivity), name);
        Services.TryAddTransient<TActivity>();
        return this;
    }

    /// <summary>Stores everything in an embedded SQLite file (WAL mode, one process), Orleans' reminders included.</summary>
    /// <param name="configure">Sets the file path and durability; null for the defaults.</param>
    /// <returns>This builder.</returns>
    public BatonBuilder UseSqliteStore(Action<SqliteStoreOptions>? configure = null)
    {
        if (configure is not null)
        {
            Services.Configure(configure);
        }

        Services.TryAddSingleton(sp => new SqliteWorkflowStore(
            sp.GetRequiredService<IOptions<SqliteStoreOptions>>().Value,
            sp.GetRequiredService<IOptions<BatonOptions>>().Value.LargePayloadThreshold,
            sp.GetService<IPayloadCodec>() ?? AesGcmPayloadCodec.From(sp.GetRequiredService<IOptions<BatonOptions>>().Value)));
        Services.TryAddSingleton<IWorkflowStore>(sp => sp.GetRequiredService<SqliteWorkflowStore>());
        Services.TryAddSingleton<IReminderTable, SqliteReminderTable>();
        return this;
    }

    /// <summary>
    /// Stores everything in PostgreSQL, which every silo of a cluster on several machines shares: instances, histories,
    /// work, Orleans' reminders and (with <c>UsePostgresClustering</c>) its membership.
    /// Baton creates its schema on first start and checks it on every start after.
    /// </summary>
    /// <param name="configure">Sets the connection string and schema.</param>
    /// <returns>This builder.</returns>
    public BatonBuilder UsePostgresStore(Action<PostgresStoreOptions> configure)
    {
        AddPostgresWorkflowStore(configure);
        Services.TryAddSingleton<IReminderTable, PostgresReminderTable>();
        return this;
    }

    /// <summary>
    /// Stores everything in Azure Storage, which every silo of a cluster shares: instances, histories and work in Azure
    /// Tables, large payloads in Blobs, and Orleans' reminders in Orleans' own Azure Table reminder table (<c>{prefix}Reminders</c>).
    /// Baton creates its tables and container on first start and checks them on every start after. With
    /// <see cref="Clustering.AzureClusteringExtensions.UseAzureClustering"/> the membership is there too.
    /// </summary>
    /// <param name="configure">Sets the connection string and table prefix.</param>
    /// <returns>This builder.</returns>
    public BatonBuilder UseAzureStore(Action<AzureStoreOptions> configure)
    {
        AddAzureWorkflowStore(configure);
        Services.UseAzureTableReminderService(reminders => reminders.Configure<IOptions<AzureStoreOptions>>((o, store) =>
        {
            o.TableServiceClient = new global::Azure.Data.Tables.TableServiceClient(store.Value.ConnectionString);
            o.TableName = store.Value.TablePrefix + "Reminders";
        }));
        return this;
    }

    /// <summary>The Azure Storage workflow store alone, without Orleans' reminders: what a silo and a front end both need.</summary>
    internal BatonBuilder AddAzureWorkflowStore(Action<AzureStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(configure);
        Services.TryAddSingleton(sp => new AzureWorkflowStore(
            sp.GetRequiredService<IOptions<AzureStoreOptions>>().Value,
            sp.GetRequiredService<IOptions<BatonOptions>>().Value.LargePayloadThreshold,
            sp.GetService<IPayloadCodec>() ?? AesGcmPayloadCodec.From(sp.GetRequiredService<IOptions<BatonOptions>>().Value)));
        Services.TryAddSingleton<IWorkflowStore>(sp => sp.GetRequiredService<AzureWorkflowStore>());
        return this;
    }

    /// <summary>The PostgreSQL workflow store alone, without Orleans' reminders: what a silo and a front end both need.</summary>
    internal BatonBuilder AddPostgresWorkflowStore(Action<PostgresStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(configure);
        Services.TryAddSingleton(sp => new PostgresWorkflowStore(
            sp.GetRequiredService<IOptions<PostgresStoreOptions>>().Value,
            sp.GetRequiredService<IOptions<BatonOptions>>().Value.LargePayloadThreshold,
            sp.GetService<IPayloadCodec>() ?? AesGcmPayloadCodec.From(sp.GetRequiredService<IOptions<BatonOptions>>().Value)));
        Services.TryAddSingleton<IWorkflowStore>(sp => sp.GetRequiredService<PostgresWorkflowStore>());
        return this;
    }
}
