using System.Reflection;
using System.Text.Json;
using Baton.Serialization;

namespace Baton.Grains.Registry;

/// <summary>A registered workflow type: how to validate its input and run it.</summary>
public abstract class WorkflowRegistration
{
    private NullabilityInfo? _inputNullability;

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

    /// <summary>
    /// Checks an input before anything is stored, on every way in (HTTP, either .NET client, a parent's call): it must
    /// deserialise to <see cref="InputType"/>, be present unless the workflow declares it nullable, and pass the data
    /// annotations of the type and of the objects and collection items it holds.
    /// </summary>
    /// <param name="inputJson">The input as JSON, or null.</param>
    /// <exception cref="InvalidWorkflowInputException">It does not; <see cref="InvalidWorkflowInputException.Errors"/> lists every field error by JSON path.</exception>
    public void ValidateInput(string? inputJson)
    {
        object? input;
        try
        {
            input = BatonJson.Deserialize(inputJson, InputType);
        }
        catch (JsonException ex)
        {
            // The serialiser names only the first misfit; list them all, as validation does.
            var misfits = JsonTypeErrors.Collect(inputJson!, InputType, BatonJson.Options);
            throw misfits.Count == 0
                ? new InvalidWorkflowInputException(Name, InputType, ex.Message, ex)
                : new InvalidWorkflowInputException(Name, InputType, Summary(misfits), misfits, ex);
        }

        if (input is null && !InputIsNullable)
        {
            throw new InvalidWorkflowInputException(Name, InputType, "the input is missing (null or empty), and the workflow does not declare it nullable.");
        }

        var errors = InputValidator.Validate(input, InputNullability);
        if (errors.Count > 0)
        {
            throw new InvalidWorkflowInputException(Name, InputType, Summary(errors), errors);
        }
    }

    private static string Summary(Dictionary<string, string[]> errors) =>
        $"{errors.Count} field(s) failed validation: {string.Join("; ", errors.Select(e => $"{(e.Key.Length == 0 ? "(the input)" : e.Key)}: {string.Join(" ", e.Value)}"))}";

    /// <summary>Whether the workflow's <c>RunAsync</c> declares its input nullable (<c>string?</c>, <c>int?</c>).</summary>
    private bool InputIsNullable => InputType.IsValueType
        ? Nullable.GetUnderlyingType(InputType) is not null
        : InputNullability.WriteState != NullabilityState.NotNull;

    /// <summary>The nullability <c>RunAsync</c> declares for its input, and for the items of an input that is a list.</summary>
    private NullabilityInfo InputNullability => _inputNullability ??= ReadInputNullability();

    private NullabilityInfo ReadInputNullability()
    {
        var run = WorkflowType.GetMethod(nameof(Workflow<object, object>.RunAsync), [typeof(IWorkflowContext), InputType])
            ?? typeof(Workflow<,>).MakeGenericType(InputType, OutputType).GetMethod(nameof(Workflow<object, object>.RunAsync))!;
        return new NullabilityInfoContext().Create(run.GetParameters()[1]);
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
