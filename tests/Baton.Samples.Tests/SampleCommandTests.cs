using Baton.TestingHost;

namespace Baton.Samples.Tests;

/// <summary>
/// The samples whose one command runs a demo to its end (rather than serving a node): each as a process of its own, as
/// its README runs it, to a clean exit with the result it promises printed.
/// </summary>
public sealed class SampleCommandTests
{
    [Fact]
    public async Task TheSweepCommand_TrainsEveryTrial_AndPrintsTheBest()
    {
        var output = await RunToTheEndAsync("Baton.Samples.Sweep", port => [$"--siloPort={port}"]);

        Assert.Contains("queue: default", output);
        Assert.Equal(15, output.Split('\n').Count(line => line.StartsWith("trial ", StringComparison.Ordinal)));
        Assert.Matches(@"best: trial \d+ \(L1 [\d.]+, L2 [\d.]+\), AUC 0\.\d{4}", output);
    }

    [Fact]
    public async Task TheMonitorCommand_WatchesTheJobUntilItIsDone_ReportingEachChange()
    {
        var output = await RunToTheEndAsync("Baton.Samples.Monitor", port => [$"--siloPort={port}", $"--port={LoopbackPorts.Next()}"]);

        Assert.Matches(@"monitor \S+ Completed: the job is done after \d+ changes", output);
        Assert.Contains("webhook: change 1: (none) -> ", output);
    }

    private static async Task<string> RunToTheEndAsync(string assembly, Func<int, string[]> ports)
    {
        var data = SampleData.NewFolder("baton-sample-command");
        using var sample = SampleProcess.Start(assembly, [$"--data={data}", .. ports(LoopbackPorts.Next())]);
        try
        {
            var exitCode = await sample.WaitForExitAsync(TimeSpan.FromMinutes(3));
            Assert.True(exitCode == 0, $"{assembly} exited with {exitCode}:\n{sample.Output}");
            return sample.Output;
        }
        finally
        {
            SampleData.Delete(data);
        }
    }
}
