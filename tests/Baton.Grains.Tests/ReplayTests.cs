using Baton.Grains.Registry;
using Baton.Grains.Replay;
using Baton.History;
using Baton.Samples;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Baton.Grains.Tests;

public sealed class ReplayTests
{
    private static readonly DateTime T0 = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData("GreetingChain.completed.json")]
    [InlineData("SquareSum.completed.json")]
    [InlineData("Reminder.completed.json")]
    public void Replay_RecordedHistory_ReachesRecordedEnd(string file)
    {
        var history = WorkflowReplayer.ParseHistory(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Histories", file)));

        var status = WorkflowReplayer.Replay(CreateRegistry(), history);

        Assert.Equal(WorkflowRuntimeStatus.Completed, status);
    }

    [Fact]
    public void Replay_NonDeterministicWorkflow_FailsNamingTheStep()
    {
        var history = WorkflowReplayer.ParseHistory(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Histories", "ClockReadingWorkflow.recorded.json")));

        var ex = Assert.Throws<NonDeterministicWorkflowException>(() => WorkflowReplayer.Replay(CreateRegistry(), history, "order-7"));

        Assert.Equal(0, ex.StepId);
        Assert.Equal("order-7", ex.InstanceId);
        Assert.Contains("step 0", ex.Message);
        Assert.Contains("'Legacy'", ex.Message);
        Assert.Contains("'Modern'", ex.Message);
    }

    [Fact]
    public void Replay_CodeNoLongerMakesARecordedCall_FailsNamingTheStep()
    {
        var history = RunToCompletion(new WorkflowStarted(nameof(TwoStepWorkflow), "\"x\""));
        TwoStepWorkflow.SkipSecond = true;
        try
        {
            var ex = Assert.Throws<NonDeterministicWorkflowException>(() => WorkflowReplayer.Replay(CreateRegistry(), history));
            Assert.Equal(1, ex.StepId);
            Assert.Contains("'Second'", ex.Message);
        }
        finally
        {
            TwoStepWorkflow.SkipSecond = false;
        }
    }

    [Fact]
    public async Task RunTurn_Start_SchedulesFirstActivityStampedWithTurnTime()
    {
        var executor = NewExecutor(nameof(TwoStepWorkflow));

        var turn = await executor.RunTurnAsync([new WorkflowStarted(nameof(TwoStepWorkflow), "\"in\"")], T0);

        Assert.Equal(WorkflowRuntimeStatus.Running, turn.Status);
        Assert.Collection(turn.NewEvents,
            e => Assert.IsType<WorkflowStarted>(e),
            e => Assert.Equal(new ActivityScheduled(0, "First", "\"in\"", "default") { Timestamp = T0 }, e));
        Assert.Equal([new ActivityWork(0, "First", "\"in\"", "default")], turn.NewWork);
        Assert.All(turn.NewEvents, e => Assert.Equal(T0, e.Timestamp));
    }

    [Fact]
    public async Task RunTurn_DuplicateResult_IsIgnored()
    {
        var executor = NewExecutor(nameof(TwoStepWorkflow));
        await executor.RunTurnAsync([new WorkflowStarted(nameof(TwoStepWorkflow), "\"in\"")], T0);
        executor.AcknowledgeCommit();

        var turn = await executor.RunTurnAsync([new ActivityCompleted(0, "\"a\""), new ActivityCompleted(0, "\"b\"")], T0.AddSeconds(1));

        Assert.Single(turn.NewEvents, e => e is ActivityCompleted);
        Assert.Equal(new ActivityScheduled(1, "Second", "\"a\"", "default") { Timestamp = T0.AddSeconds(1) }, turn.NewEvents[^1]);
        Assert.False(executor.Accepts(new ActivityCompleted(0, "\"c\"")));
        Assert.False(executor.Accepts(new TimerFired(1)));
    }

    [Fact]
    public async Task Replay_ThenLiveTurn_ContinuesWithoutRepeatingCalls()
    {
        var live = NewExecutor(nameof(TwoStepWorkflow));
        var first = await live.RunTurnAsync([new WorkflowStarted(nameof(TwoStepWorkflow), "\"in\"")], T0);
        live.AcknowledgeCommit();
        var second = await live.RunTurnAsync([new ActivityCompleted(0, "\"a\"")], T0.AddSeconds(1));
        var history = first.NewEvents.Concat(second.NewEvents).ToList();

        var reloaded = NewExecutor(nameof(TwoStepWorkflow));
        reloaded.Replay(history);
        var turn = await reloaded.RunTurnAsync([new ActivityCompleted(1, "\"b\"")], T0.AddSeconds(2));

        Assert.Null(reloaded.Divergence);
        Assert.Equal(history.Count, reloaded.CommittedEventCount);
        Assert.Collection(turn.NewEvents,
            e => Assert.IsType<ActivityCompleted>(e),
            e => Assert.StartsWith("\"b|", Assert.IsType<WorkflowCompleted>(e).Output));
        Assert.Empty(turn.NewWork);
        Assert.Equal(WorkflowRuntimeStatus.Completed, turn.Status);
    }

    [Fact]
    public async Task NewGuid_IsTheSameOnReplay()
    {
        // The GUID is made after "First" completes; replay up to there and finish live.
        var history = RunToCompletion(new WorkflowStarted(nameof(TwoStepWorkflow), "\"g\""));
        var liveOutput = ((WorkflowCompleted)history[^1]).Output;
        var lastAnswer = (ActivityCompleted)history[^2];

        var replayed = NewExecutor(nameof(TwoStepWorkflow));
        replayed.Replay(history[..^2]);
        var turn = await replayed.RunTurnAsync([lastAnswer], lastAnswer.Timestamp);

        Assert.Null(replayed.Divergence);
        Assert.Equal(liveOutput, Assert.IsType<WorkflowCompleted>(turn.NewEvents[^1]).Output);
        Assert.Matches("^\"second\\|[0-9a-f-]{36}\"$", liveOutput);
    }

    [Fact]
    public async Task Logger_IsSilentWhileReplaying()
    {
        var logger = new ListLogger();
        var live = NewExecutor(nameof(TwoStepWorkflow), logger);
        var history = new List<HistoryEvent>();
        history.AddRange((await live.RunTurnAsync([new WorkflowStarted(nameof(TwoStepWorkflow), "\"in\"")], T0)).NewEvents);
        Assert.Equal(["starting in"], logger.Messages);

        var replayLogger = new ListLogger();
        var replayed = NewExecutor(nameof(TwoStepWorkflow), replayLogger);
        replayed.Replay(history);
        Assert.Empty(replayLogger.Messages);

        await replayed.RunTurnAsync([new ActivityCompleted(0, "\"a\"")], T0);
        await replayed.RunTurnAsync([new ActivityCompleted(1, "\"b\"")], T0);
        Assert.Equal(["finished"], replayLogger.Messages);
    }

    [Fact]
    public async Task Step_RunsOnceLive_AndIsAnsweredFromHistoryOnReplay()
    {
        var live = NewExecutor(nameof(StepThenActivityWorkflow));
        var before = StepThenActivityWorkflow.Executions;
        var turn = await live.RunTurnAsync([new WorkflowStarted(nameof(StepThenActivityWorkflow), "\"x\"")], T0);
        Assert.Equal(before + 1, StepThenActivityWorkflow.Executions);
        var step = Assert.IsType<StepCompleted>(turn.NewEvents[1]);
        var scheduled = Assert.IsType<ActivityScheduled>(turn.NewEvents[2]);
        Assert.Equal(step.Result, scheduled.Input);

        var replayed = NewExecutor(nameof(StepThenActivityWorkflow));
        replayed.Replay(turn.NewEvents);
        var next = await replayed.RunTurnAsync([new ActivityCompleted(1, step.Result)], T0);

        Assert.Equal(before + 1, StepThenActivityWorkflow.Executions);
        Assert.Equal(step.Result, Assert.IsType<WorkflowCompleted>(next.NewEvents[^1]).Output);
    }

    [Fact]
    public async Task Step_Throwing_SurfacesAsStepFailedException()
    {
        var executor = NewExecutor(nameof(FailingStepWorkflow));

        var turn = await executor.RunTurnAsync([new WorkflowStarted(nameof(FailingStepWorkflow), "\"bad format\"")], T0);

        Assert.IsType<StepFailed>(turn.NewEvents[1]);
        Assert.Equal("\"explode:System.FormatException:bad format\"", turn.Output);
    }

    [Fact]
    public async Task RunTurn_DivergenceFoundOnReplay_FailsTheInstance()
    {
        var history = WorkflowReplayer.ParseHistory(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Histories", "ClockReadingWorkflow.recorded.json")));
        var executor = NewExecutor(nameof(ClockReadingWorkflow));
        executor.Replay(history.Take(2).ToList());

        var turn = await executor.RunTurnAsync([new ActivityCompleted(0, "\"late\"")], T0);

        Assert.Equal(WorkflowRuntimeStatus.Failed, turn.Status);
        Assert.Equal(typeof(NonDeterministicWorkflowException).FullName, turn.Failure!.ErrorType);
        Assert.Single(turn.NewEvents);
    }

    private static List<HistoryEvent> RunToCompletion(WorkflowStarted start)
    {
        var executor = NewExecutor(start.Name);
        var history = new List<HistoryEvent>();
        var turn = executor.RunTurnAsync([start], T0).GetAwaiter().GetResult();
        while (true)
        {
            history.AddRange(turn.NewEvents);
            executor.AcknowledgeCommit();
            if (turn.Status.IsTerminal())
            {
                return history;
            }

            var answers = turn.NewWork.OfType<ActivityWork>().Select(w => (HistoryEvent)new ActivityCompleted(w.StepId, $"\"{w.Name.ToLowerInvariant()}\"")).ToList();
            turn = executor.RunTurnAsync(answers, T0.AddSeconds(history.Count)).GetAwaiter().GetResult();
        }
    }

    private static WorkflowExecutor NewExecutor(string workflow, ILogger? logger = null)
    {
        var registry = CreateRegistry();
        return new WorkflowExecutor("instance-1", registry.GetWorkflow(workflow), registry, logger ?? NullLogger.Instance);
    }

    private static WorkflowRegistry CreateRegistry() => new WorkflowRegistry()
        .AddWorkflow(typeof(GreetingChain)).AddActivity(typeof(SayHello))
        .AddWorkflow(typeof(SquareSum)).AddActivity(typeof(Square))
        .AddWorkflow(typeof(Reminder)).AddActivity(typeof(SendReminder))
        .AddWorkflow(typeof(ClockReadingWorkflow))
        .AddWorkflow(typeof(TwoStepWorkflow))
        .AddWorkflow(typeof(StepThenActivityWorkflow))
        .AddWorkflow(typeof(FailingStepWorkflow))
        .AddActivity(typeof(NamedActivity), "Legacy")
        .AddActivity(typeof(NamedActivity), "Modern")
        .AddActivity(typeof(NamedActivity), "First")
        .AddActivity(typeof(NamedActivity), "Second");

    private sealed class ListLogger : ILogger
    {
        public List<string> Messages { get; } = new();

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Messages.Add(formatter(state, exception));
    }
}
