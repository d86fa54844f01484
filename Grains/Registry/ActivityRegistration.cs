using Baton.Serialization;
using Microsoft.Extensions.DependencyInjection;

namespace Baton.Grains.Registry;

/// <summary>A registered activity type: how to resolve and invoke it.</summary>
public abstract class ActivityRegistration
{
    private protected ActivityRegistration(string name, Type activityType)
    {
        Name = name;
        ActivityType = activityType;
    }

    /// <summary>The registered name.</summary>
    public string Name { get; }

    /// <summary>The class deriving from <see cref="Activity{TInput, TOutput}"/>.</summary>
    public Type ActivityType { get; }

    /// <summary>Resolves the activity from <paramref name="services"/> (with its dependencies) and runs it once.</summary>
    /// <param name="services">A scoped service provider for this execution.</param>
    /// <param name="context">The execution's context.</param>
    /// <param name="inputJson">The input as JSON, or null.</param>
    /// <returns>The result as JSON, or null.</returns>
    public abstract Task<string?> InvokeAsync(IServiceProvider services, ActivityContext context, string? inputJson);

    internal static ActivityRegistration Create(string name, Type activityType)
    {
        var baseType = WorkflowRegistration.FindGenericBase(activityType, typeof(Activity<,>))
            ?? throw new ArgumentException($"{activityType.FullName} does not derive from Activity<TInput, TOutput>.", nameof(activityType));
        if (activityType.IsAbstract)
        {
            throw new ArgumentException($"{activityType.FullName} must be a concrete class.", nameof(activityType));
        }

        var arguments = baseType.GetGenericArguments();
        var closed = typeof(ActivityRegistration<,,>).MakeGenericType(activityType, arguments[0], arguments[1]);
        return (ActivityRegistration)Activator.CreateInstance(closed, name)!;
    }
}

internal sealed class ActivityRegistration<TActivity, TInput, TOutput>(string name)
    : ActivityRegistration(name, typeof(TActivity))
    where TActivity : Activity<TInput, TOutput>
{
    private readonly ObjectFactory<TActivity> _factory = ActivatorUtilities.CreateFactory<TActivity>(Type.EmptyTypes);

    public override async Task<string?> InvokeAsync(IServiceProvider services, ActivityContext context, string? inputJson)
    {
        var activity = services.GetService<TActivity>() ?? _factory(services, null);
        var input = BatonJson.Deserialize<TInput>(inputJson)!;
        var output = await activity.RunAsync(context, input).ConfigureAwait(false);
        return BatonJson.Serialize(output);
    }
}
