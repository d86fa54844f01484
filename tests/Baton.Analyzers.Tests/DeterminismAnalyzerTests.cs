using System.Collections.Immutable;
using Baton.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Baton.Analyzers.Tests;

/// <summary>The determinism analyzer over workflow code compiled in the test, against Baton's authoring assembly.</summary>
public sealed class DeterminismAnalyzerTests
{
    private const string Usings = """
        using System;
        using System.Diagnostics;
        using System.IO;
        using System.Net.Http;
        using System.Threading;
        using System.Threading.Tasks;
        using Baton;

        """;

    [Fact]
    public async Task InAWorkflow_ClockGuidsRandomDelaysThreadsIoAndConfigureAwaitFalse_AreEachFlagged_WithTheirRule()
    {
        var diagnostics = await AnalyzeAsync("""
            public sealed class Flow : Workflow<string, string>
            {
                public override async Task<string> RunAsync(IWorkflowContext context, string input)
                {
                    var now = DateTime.UtcNow;                                   // BATON001
                    var local = DateTimeOffset.Now;                              // BATON001
                    var watch = Stopwatch.StartNew();                            // BATON001
                    var id = Guid.NewGuid();                                     // BATON002
                    var dice = new Random().Next(6);                             // BATON002
                    await Task.Delay(10);                                        // BATON003
                    await Task.Run(() => 1);                                     // BATON004
                    var text = File.ReadAllText("x");                            // BATON005
                    using var http = new HttpClient();                           // BATON005
                    Console.WriteLine(text);                                     // BATON005
                    await context.CallActivityAsync<string>("A").ConfigureAwait(false); // BATON006
                    return Helper();
                }

                private static string Helper() => Environment.TickCount.ToString(); // BATON001, in a member of the workflow
            }
            """);

        Assert.Equal(
            [("BATON001", "DateTime.UtcNow"), ("BATON001", "DateTimeOffset.Now"), ("BATON001", "Stopwatch.StartNew"), ("BATON002", "Guid.NewGuid"),
             ("BATON002", "new Random"), ("BATON003", "Task.Delay"), ("BATON004", "Task.Run"), ("BATON005", "File.ReadAllText"),
             ("BATON005", "new HttpClient"), ("BATON005", "Console.WriteLine"), ("BATON006", "ConfigureAwait(false)"), ("BATON001", "Environment.TickCount")],
            diagnostics.Select(d => (d.Id, Subject(d))));
        Assert.All(diagnostics, d => Assert.Equal(DiagnosticSeverity.Warning, d.Severity));
        Assert.Contains("context.CurrentUtcDateTime", diagnostics[0].GetMessage());
    }

    [Fact]
    public async Task ActivitiesOtherClassesInlineStepsAndConditions_AreLeftAlone_AndTheContextsOwnWaysAreNotFlagged()
    {
        var diagnostics = await AnalyzeAsync("""
            public sealed class Flow : Workflow<string, DateTime>
            {
                public override async Task<DateTime> RunAsync(IWorkflowContext context, string input)
                {
                    var stamp = await context.StepAsync("read", async () => { await Task.Delay(1); return File.ReadAllText("x") + Guid.NewGuid(); });
                    await context.WaitForConditionAsync("ready", async () => (await new HttpClient().GetStringAsync("http://x")).Length > 0);
                    await context.DelayAsync(TimeSpan.FromMinutes(1));
                    var id = context.NewGuid();
                    await context.CallActivityAsync<string>("A").ConfigureAwait(true);
                    return context.CurrentUtcDateTime;
                }
            }

            public sealed class Work : Activity<string, string>
            {
                public override async Task<string> RunAsync(Baton.ActivityContext context, string input)
                {
                    await Task.Delay(10);
                    return DateTime.UtcNow + File.ReadAllText(input) + Guid.NewGuid();
                }
            }

            public static class Elsewhere
            {
                public static DateTime Now() => DateTime.Now;
            }
            """);

        Assert.Empty(diagnostics);
    }

    [Fact]
    public async Task ALambdaOrLocalFunctionInAWorkflow_IsWorkflowCode_AndSoIsAWorkflowDerivedFromAnother()
    {
        var diagnostics = await AnalyzeAsync("""
            public abstract class BaseFlow : Workflow<int, int>
            {
            }

            public sealed class Derived : BaseFlow
            {
                public override async Task<int> RunAsync(IWorkflowContext context, int input)
                {
                    Func<DateTime> clock = () => DateTime.Now;
                    int Sleep() { Thread.Sleep(5); return 1; }
                    await Task.WhenAll(new[] { 1, 2 }.Select(i => context.CallActivityAsync<int>("A", i)));
                    return clock().Second + Sleep();
                }
            }
            """, "using System.Linq;\n");

        Assert.Equal([("BATON001", "DateTime.Now"), ("BATON003", "Thread.Sleep")], diagnostics.Select(d => (d.Id, Subject(d))));
    }

    /// <summary>What a diagnostic names: the first argument of its message.</summary>
    private static string Subject(Diagnostic diagnostic) => diagnostic.GetMessage().Split('\'')[1];

    private static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(string source, string moreUsings = "")
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Select(path => MetadataReference.CreateFromFile(path))
            .Append(MetadataReference.CreateFromFile(typeof(Workflow<,>).Assembly.Location));
        var compilation = CSharpCompilation.Create("Workflows",
            [CSharpSyntaxTree.ParseText(Usings + moreUsings + source, new CSharpParseOptions(LanguageVersion.Latest))],
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, "the test's code does not compile:\n" + string.Join("\n", errors));
        var diagnostics = await compilation.WithAnalyzers([new DeterminismAnalyzer()]).GetAnalyzerDiagnosticsAsync();
        return [.. diagnostics.OrderBy(d => d.Location.SourceSpan.Start)];
    }
}
