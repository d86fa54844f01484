using System.Text.Json;
using Baton.Serialization;

namespace Baton.Grains.Registry;

/// <summary>A registered workflow type: how to validate its input and run it.</summary>
public abstract class WorkflowRegistration
{
    private protected WorkflowRegistration(string name, int version, Type workflowType, Type inputType, Type outputType)
    {
        Name = name;
        Version = version;
        WorkflowType = workflowType;
        InputType = inputType;
        OutputType = outputType;
    }

    /// <summary>The registered name.</summary>
    public string Name { get; }

    /// <summary>The registered version.</summary>
    public int Version { get; }

    /// <summary>The class deriving from <see cref="Workflow{TInput, TOutput}"/>.</summary>
    public Type WorkflowType { get; }

    /// <summary>The declared input type.</summary>
    public Type InputType { get; }

    /// <summary>The declared output type.</summary>
    public Type OutputType { get; }

    /// <summary>Checks that <paramref name="inputJson"/> deserialises to <see cref="InputType"/>.</summary>
    /// <param name="inputJson">The input as JSON, or null.</param>
    /// <exception cref="InvalidWorkflowInputException">It does not.</exception>
    public void ValidateInput(string? inputJson)
    {
        try
        {
            BatonJson.Deserialize(inputJson, InputType);
        }
        catch (JsonException ex)
        {
            throw new InvalidWorkflowInputException(Name, InputType, ex.Message, ex);
        }
    }

    /// <summary>Creates a workflow object and runs it with the given input; returns the output as JSON.</summary>
    internal abstract Task<string?> RunAsync(IWorkflowContext context, string? inputJson);

    internal static WorkflowRegistration Create(string name, int version, Type workflowType)
    {
        var baseType = FindGenericBase(workflowType, typeof(Workflow<,>))
            ?? throw new ArgumentException($"{workflowType.FullName} does not derive from Workflow<TInput, TOutput>.", nameof(workflowType));
        if (workflowType.IsAbstract || workflowType.GetConstructor(Type.EmptyTypes) is null)
        {
            throw new ArgumentException($"{workflowType.FullName} must be a concrete class with a public parameterless constructor.", nameof(workflowType));
        }

        var arguments = baseType.GetGenericArguments();
        var closed = typeof(WorkflowRegistration<,,>).MakeGenericType(workflowType, arguments[0], arguments[1]);
        return (WorkflowRegistration)Activator.CreateInstance(closed, name, version)!;
    }

    internal static Type? FindGenericBase(Type type, Type openGeneric)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (current.IsGenericType && current.GetGenericTypeDefinition() == openGeneric)
            {
                return current;
            }
        }

        return null;
    }
}

internal sealed class WorkflowRegistration<TWorkflow, TInput, TOutput>(string name, int version)
    : WorkflowRegistration(name, version, typeof(TWorkflow), typeof(TInput), typeof(TOutput))
    where TWorkflow : Workflow<TInput, TOutput>, new()
{
    internal override async Task<string?> RunAsync(IWorkflowContext context, string? inputJson)
    {
        var input = BatonJson.Deserialize<TInput>(inputJson)!;
        var output = await new TWorkflow().RunAsync(context, input);
        return BatonJson.Serialize(output);
    }
}
