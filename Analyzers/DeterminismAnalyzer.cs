using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Baton.Analyzers;

/// <summary>
/// Flags, in workflow code (any member of a class derived from <c>Baton.Workflow&lt;TInput, TOutput&gt;</c>, lambdas and
/// local functions included), what gives a different answer on replay or leaves the workflow's scheduler: reading the
/// clock, new GUIDs and random numbers, <c>Task.Delay</c> and sleeping, starting threads or tasks, I/O, and
/// <c>ConfigureAwait(false)</c>. The work an inline step (<c>StepAsync</c>) or a condition (<c>WaitForConditionAsync</c>)
/// is given is exempt: it runs once and is recorded.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DeterminismAnalyzer : DiagnosticAnalyzer
{
    private const string Category = "Baton.Determinism";

    /// <summary>BATON001: the clock.</summary>
    public static readonly DiagnosticDescriptor Clock = Rule("BATON001", "Workflow code reads the clock",
        "'{0}' reads the clock, which differs on replay: use context.CurrentUtcDateTime");

    /// <summary>BATON002: GUIDs and random numbers.</summary>
    public static readonly DiagnosticDescriptor Randomness = Rule("BATON002", "Workflow code makes random values",
        "'{0}' gives a new value on replay: use context.NewGuid(), or make the value in an activity or a step");

    /// <summary>BATON003: delays and sleeps.</summary>
    public static readonly DiagnosticDescriptor Delay = Rule("BATON003", "Workflow code waits on a non-durable timer",
        "'{0}' is not durable and is not replayed: use context.DelayAsync or context.CreateTimer");

    /// <summary>BATON004: threads and tasks of its own.</summary>
    public static readonly DiagnosticDescriptor Threads = Rule("BATON004", "Workflow code starts work off its scheduler",
        "'{0}' runs code off the workflow's scheduler: call activities, or fan out with Task.WhenAll or context.ParallelAsync");

    /// <summary>BATON005: I/O.</summary>
    public static readonly DiagnosticDescriptor InputOutput = Rule("BATON005", "Workflow code does I/O",
        "'{0}' does I/O, which is not replayed: do it in an activity or an inline step (context.StepAsync)");

    /// <summary>BATON006: ConfigureAwait(false).</summary>
    public static readonly DiagnosticDescriptor ConfigureAwait = Rule("BATON006", "Workflow code leaves its scheduler with ConfigureAwait(false)",
        "'{0}' continues off the workflow's scheduler: await without it");

    private static readonly string[] IoNamespaces = ["System.IO", "System.Net", "Microsoft.Data", "Npgsql"];

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Clock, Randomness, Delay, Threads, InputOutput, ConfigureAwait);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var workflow = start.Compilation.GetTypeByMetadataName("Baton.Workflow`2");
            var workflowContext = start.Compilation.GetTypeByMetadataName("Baton.IWorkflowContext");
            if (workflow is null)
            {
                return; // Baton is not referenced: nothing here is workflow code.
            }

            start.RegisterOperationAction(
                operation => Analyze(operation, workflow, workflowContext),
                OperationKind.Invocation, OperationKind.PropertyReference, OperationKind.ObjectCreation);
        });
    }

    private static void Analyze(OperationAnalysisContext context, INamedTypeSymbol workflow, INamedTypeSymbol? workflowContext)
    {
        if (!InWorkflowCode(context.ContainingSymbol, workflow) || InRecordedWork(context.Operation, workflowContext))
        {
            return;
        }

        var (member, type) = context.Operation switch
        {
            IInvocationOperation i => ((ISymbol)i.TargetMethod, i.TargetMethod.ContainingType),
            IPropertyReferenceOperation p => (p.Property, p.Property.ContainingType),
            IObjectCreationOperation c when c.Constructor is not null => (c.Constructor, c.Constructor.ContainingType),
            _ => (null, null),
        };
        if (member is null || type is null)
        {
            return;
        }

        var typeName = type.ToDisplayString();
        var name = member is IMethodSymbol { MethodKind: MethodKind.Constructor } ? $"new {type.Name}" : $"{type.Name}.{member.Name}";
        var rule = (typeName, member.Name) switch
        {
            ("System.DateTime" or "System.DateTimeOffset", "Now" or "UtcNow" or "Today") => Clock,
            ("System.Environment", "TickCount" or "TickCount64") => Clock,
            ("System.Diagnostics.Stopwatch", _) when member.IsStatic || member is IMethodSymbol { MethodKind: MethodKind.Constructor } => Clock,
            ("System.TimeProvider", "System") => Clock,
            ("System.Guid", "NewGuid" or "CreateVersion7") => Randomness,
            ("System.Random", _) when member.IsStatic || member is IMethodSymbol { MethodKind: MethodKind.Constructor } => Randomness,
            ("System.Threading.Tasks.Task", "Delay") or ("System.Threading.Thread", "Sleep") => Delay,
            ("System.Threading.Tasks.Task", "Run") or ("System.Threading.Tasks.TaskFactory", "StartNew") => Threads,
            ("System.Threading.Thread", ".ctor") or ("System.Threading.ThreadPool", _) or ("System.Threading.Tasks.Parallel", _) => Threads,
            ("System.Console", _) => InputOutput,
            (_, "ConfigureAwait") when context.Operation is IInvocationOperation call && ContinuesOffContext(call) => ConfigureAwait,
            _ when IoNamespaces.Any(ns => typeName.StartsWith(ns + ".", System.StringComparison.Ordinal)) => InputOutput,
            _ => null,
        };
        if (rule is not null)
        {
            context.ReportDiagnostic(Diagnostic.Create(rule, context.Operation.Syntax.GetLocation(), rule == ConfigureAwait ? "ConfigureAwait(false)" : name));
        }
    }

    /// <summary>Whether a ConfigureAwait call passes false.</summary>
    private static bool ContinuesOffContext(IInvocationOperation call) =>
        call.Arguments.Length == 1 && call.Arguments[0].Value.ConstantValue is { HasValue: true, Value: false };

    /// <summary>Whether the code belongs to a workflow class (its members, and lambdas and local functions in them).</summary>
    private static bool InWorkflowCode(ISymbol symbol, INamedTypeSymbol workflow)
    {
        for (var type = symbol as INamedTypeSymbol ?? symbol.ContainingType; type is not null; type = type.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, workflow))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the operation is inside a lambda handed to a context method that runs it once and records it.</summary>
    private static bool InRecordedWork(IOperation operation, INamedTypeSymbol? workflowContext)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation or ILocalFunctionOperation
                && current.Parent is IDelegateCreationOperation { Parent: IArgumentOperation { Parent: IInvocationOperation call } }
                && call.TargetMethod.Name is "StepAsync" or "WaitForConditionAsync"
                && (workflowContext is null || SymbolEqualityComparer.Default.Equals(call.TargetMethod.ContainingType, workflowContext)))
            {
                return true;
            }
        }

        return false;
    }

    private static DiagnosticDescriptor Rule(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true,
            description: "Workflow code is replayed from its history after every restart and must take the same path each time.");
}
