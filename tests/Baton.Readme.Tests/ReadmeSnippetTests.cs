using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Baton.Readme.Tests;

/// <summary>
/// Every C# block in the README compiles as pasted into a new console project (whose implicit usings are the only ones
/// it gets for free), against Baton's assemblies. A block preceded by <c>&lt;!-- compiled with the block before --&gt;</c>
/// is a second file of the same program; one preceded by <c>&lt;!-- compiled against A and B only --&gt;</c> sees no other
/// Baton assembly, which is how the contracts-only client proves it needs no workflow class.
/// </summary>
public sealed partial class ReadmeSnippetTests
{
    // What `dotnet new console` gives every file.
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    public static TheoryData<int> Programs() => [.. Enumerable.Range(0, ReadPrograms().Count)];

    [Fact]
    public void TheReadme_HasCSharpBlocks()
    {
        Assert.True(ReadPrograms().Count >= 4, "the README's C# blocks were not found");
    }

    [Theory]
    [MemberData(nameof(Programs))]
    public void ReadmeProgram_CompilesAsPasted(int index)
    {
        var program = ReadPrograms()[index];
        var trees = program.Files.Select(f => CSharpSyntaxTree.ParseText(f, new CSharpParseOptions(LanguageVersion.Latest)))
            .Append(CSharpSyntaxTree.ParseText(ImplicitUsings)).ToList();
        var hasTopLevelStatements = program.Files.Any(f => Regex.IsMatch(f, @"^(var|await|using var|string|Console)\b", RegexOptions.Multiline));
        var compilation = CSharpCompilation.Create(
            $"ReadmeProgram{index}",
            trees,
            References(program.OnlyBaton),
            new CSharpCompilationOptions(hasTopLevelStatements ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        using var output = new MemoryStream();
        var result = compilation.Emit(output);

        var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToList();
        Assert.True(result.Success, $"README block {program.FirstLine} does not compile:\n{string.Join("\n", errors)}\n---\n{string.Join("\n---\n", program.Files)}");
    }

    /// <summary>One program: a block and the blocks marked as compiled with it.</summary>
    /// <param name="FirstLine">The README line of its first block, for the failure message.</param>
    /// <param name="Files">Each block's code.</param>
    /// <param name="OnlyBaton">The Baton assemblies it may see, or null for all of them.</param>
    public sealed record Program(int FirstLine, List<string> Files, string[]? OnlyBaton);

    private static List<Program> ReadPrograms()
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot(), "README.md"));
        var programs = new List<Program>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i] != "```csharp")
            {
                continue;
            }

            var end = Array.IndexOf(lines, "```", i + 1);
            var code = string.Join("\n", lines[(i + 1)..end]);
            var marker = i > 0 ? lines[i - 1] : "";
            if (marker == "<!-- compiled with the block before -->" && programs.Count > 0)
            {
                programs[^1].Files.Add(code);
            }
            else
            {
                var only = OnlyMarker().Match(marker) is { Success: true } m ? Regex.Split(m.Groups[1].Value, ", | and ") : null;
                programs.Add(new Program(i + 1, [code], only));
            }

            i = end;
        }

        return programs;
    }

    /// <summary>The framework, the packages Baton brings, and Baton's own assemblies (only those named, when some are).</summary>
    private static List<MetadataReference> References(string[]? onlyBaton)
    {
        var byName = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var path in ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator))
        {
            byName[Path.GetFileName(path)] = path;
        }

        foreach (var path in Directory.GetFiles(AppContext.BaseDirectory, "*.dll"))
        {
            var name = Path.GetFileNameWithoutExtension(path);
            if (name.StartsWith("Baton.Readme", StringComparison.Ordinal) || name.StartsWith("xunit", StringComparison.Ordinal)
                || name.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal) || !IsManaged(path))
            {
                continue;
            }

            if (name.StartsWith("Baton.", StringComparison.Ordinal) && onlyBaton is not null && !onlyBaton.Contains(name))
            {
                byName.Remove(Path.GetFileName(path));
                continue;
            }

            byName[Path.GetFileName(path)] = path;
        }

        return [.. byName.Values.Select(p => MetadataReference.CreateFromFile(p))];
    }

    private static bool IsManaged(string path)
    {
        try
        {
            AssemblyName.GetAssemblyName(path);
            return true;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Baton.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Baton.slnx not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"^<!-- compiled against (.+) only -->$")]
    private static partial Regex OnlyMarker();
}
