using System.Reflection;
using Baton.Serialization;

namespace Baton.Grains.Entities;

/// <summary>
/// The operations of an entity class: its public instance methods (declared on it or a base class of its own, not on
/// <see cref="Entity{TState}"/>), by name, case-insensitive, each with no parameter or one.
/// </summary>
internal static class EntityDispatcher<TEntity>
{
    private static readonly Dictionary<string, MethodInfo> Operations = Find();

    /// <summary>The operation names, for messages.</summary>
    public static string Names => string.Join(", ", Operations.Keys.Order(StringComparer.Ordinal));

    /// <summary>Runs the operation on the entity and returns its result (null for none).</summary>
    /// <exception cref="InvalidOperationException">The entity has no such operation.</exception>
    public static async Task<object?> InvokeAsync(TEntity entity, string operation, string? input)
    {
        if (!Operations.TryGetValue(operation, out var method))
        {
            throw new InvalidOperationException($"Entity {typeof(TEntity).Name} has no operation '{operation}'; it has {Names}.");
        }

        var parameters = method.GetParameters();
        var arguments = parameters.Length == 0 ? [] : new[] { BatonJson.Deserialize(input, parameters[0].ParameterType) };
        object? returned;
        try
        {
            returned = method.Invoke(entity, arguments);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is { } inner)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(inner).Throw();
            throw;
        }

        if (returned is not Task task)
        {
            return returned;
        }

        await task;
        return method.ReturnType.IsGenericType ? method.ReturnType.GetProperty(nameof(Task<object>.Result))!.GetValue(task) : null;
    }

    private static Dictionary<string, MethodInfo> Find()
    {
        var operations = new Dictionary<string, MethodInfo>(StringComparer.OrdinalIgnoreCase);
        for (var type = typeof(TEntity); type is not null && !(type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Entity<>)); type = type.BaseType)
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            {
                if (!method.IsSpecialName && method.GetParameters().Length <= 1 && !operations.ContainsKey(method.Name))
                {
                    operations[method.Name] = method;
                }
            }
        }

        return operations;
    }
}
