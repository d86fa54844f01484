using System.Net.Http.Json;
using Baton.Grains.Registry;
using Baton.Grains.Replay;
using Baton.Samples;

namespace Baton.Api.Tests;

/// <summary>
/// A history exported over HTTP, replayed offline against the code as registered today: it replays to its end against
/// the same code, and against a changed workflow it reports the first step where the code and the history part.
/// </summary>
public sealed class ReplayExportedHistoryTests(BatonApiFactory factory) : IClassFixture<BatonApiFactory>
{
    [Fact]
    public async Task AnExportedHistory_ReplaysAgainstTheSameCode_AndNamesTheFirstDivergingStepAgainstChangedCode()
    {
        var http = factory.CreateClient();
        (await http.PostAsJsonAsync("/api/workflows/GreetingChain?instanceId=exported-1", new[] { "Oslo", "Rome" })).EnsureSuccessStatusCode();
        await http.GetAsync("/runtime/webhooks/durabletask/instances/exported-1?waitSeconds=30");

        // Both export shapes: the status with its events inlined, and the history route's array.
        var fromStatus = WorkflowReplayer.ParseHistory(await http.GetStringAsync("/runtime/webhooks/durabletask/instances/exported-1?showHistory=true"));
        var fromRoute = WorkflowReplayer.ParseHistory(await http.GetStringAsync("/runtime/webhooks/durabletask/instances/exported-1/history"));
        Assert.Equal(fromRoute.Select(e => e.GetType()), fromStatus.Select(e => e.GetType()));

        var today = new WorkflowRegistry().AddWorkflow(typeof(GreetingChain)).AddActivity(typeof(SayHello));
        Assert.Equal(WorkflowRuntimeStatus.Completed, WorkflowReplayer.Replay(today, fromRoute, "exported-1"));

        var changed = new WorkflowRegistry().AddWorkflow(typeof(PoliteGreetingChain), nameof(GreetingChain))
            .AddActivity(typeof(SayHello)).AddActivity(typeof(SayGoodMorning));
        var divergence = Assert.Throws<NonDeterministicWorkflowException>(() => WorkflowReplayer.Replay(changed, fromStatus, "exported-1"));
        Assert.Equal(1, divergence.StepId); // the first greeting is the same; the second is where the change shows
        Assert.Contains("'SayHello'", divergence.Message);
        Assert.Contains("'SayGoodMorning'", divergence.Message);
    }

    [Fact]
    public void SomethingThatIsNotAHistory_IsRefusedWithAMessageSayingWhatIs()
    {
        var refused = Assert.Throws<System.Text.Json.JsonException>(() => WorkflowReplayer.ParseHistory("""{"runtimeStatus": "Completed"}"""));
        Assert.Contains("showHistory=true", refused.Message);
    }

    /// <summary>GreetingChain as changed later: from the second city on, it says good morning.</summary>
    public sealed class PoliteGreetingChain : Workflow<string[], string>
    {
        public override async Task<string> RunAsync(IWorkflowContext context, string[] cities)
        {
            var greetings = new List<string>();
            for (var i = 0; i < cities.Length; i++)
            {
                greetings.Add(await context.CallActivityAsync<string>(i == 0 ? nameof(SayHello) : nameof(SayGoodMorning), cities[i]));
            }

            return string.Join(" ", greetings);
        }
    }

    /// <summary>The changed workflow's new activity.</summary>
    public sealed class SayGoodMorning : Activity<string, string>
    {
        public override Task<string> RunAsync(ActivityContext context, string city) => Task.FromResult($"Good morning, {city}!");
    }
}
