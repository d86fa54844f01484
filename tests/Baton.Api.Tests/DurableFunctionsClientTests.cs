using System.Diagnostics;
using Microsoft.AspNetCore.Hosting;

namespace Baton.Api.Tests;

/// <summary>
/// The official Durable Functions Node.js client (durable-functions 3.5.0 from npm, unmodified) drives a node on a real
/// loopback port through every operation it has: <c>tests/durable-functions-client/suite.js</c> asserts each answer.
/// ./test.sh installs the package; without it (a bare <c>dotnet test</c>) the test is skipped.
/// </summary>
public sealed class DurableFunctionsClientTests(DurableFunctionsClientTests.Node node, Xunit.Abstractions.ITestOutputHelper output)
    : IClassFixture<DurableFunctionsClientTests.Node>
{
    private static readonly string Suite = Path.Combine(RepositoryRoot(), "tests", "durable-functions-client");

    [SkippableFact]
    public async Task TheDurableFunctionsNodeClient_RunsEveryOperationAgainstBaton()
    {
        Skip.IfNot(Directory.Exists(Path.Combine(Suite, "node_modules", "durable-functions")),
            "durable-functions is not installed in tests/durable-functions-client: run ./test.sh, which installs it.");

        var start = new ProcessStartInfo("node") { WorkingDirectory = Suite, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("suite.js");
        start.ArgumentList.Add(node.Address.ToString());
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        output.WriteLine(await stdout);
        output.WriteLine(await stderr);
        Assert.True(process.ExitCode == 0, $"the client suite failed:\n{await stdout}\n{await stderr}");
        Assert.Matches(@"durable-functions client: \d+ operations passed", await stdout);
    }

    /// <summary>The node the suite drives, with a second task hub (namespace <c>lab</c>) beside its own.</summary>
    public sealed class Node() : KestrelBatonApiFactory(new Dictionary<string, string> { ["Baton:Namespaces:lab:Workflows:0"] = "WaitsForGo" });

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Baton.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Baton.slnx not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>The API host of <see cref="BatonApiFactory"/> on a real Kestrel server on a loopback port, for clients outside the process.</summary>
public class KestrelBatonApiFactory : BatonApiFactory
{
    private readonly IReadOnlyDictionary<string, string> _settings;

    public KestrelBatonApiFactory()
        : this(new Dictionary<string, string>())
    {
    }

    /// <param name="settings">Settings on top of the defaults (access control, say). Internal: a class fixture may have one public constructor.</param>
    internal KestrelBatonApiFactory(IReadOnlyDictionary<string, string> settings)
    {
        _settings = settings;
        UseKestrel(0);
        StartServer();
    }

    /// <summary>The server's address, for example http://127.0.0.1:41234/.</summary>
    public Uri Address => ClientOptions.BaseAddress;

    protected override IReadOnlyDictionary<string, string> Settings => _settings;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("urls", "http://127.0.0.1:0");
    }
}
