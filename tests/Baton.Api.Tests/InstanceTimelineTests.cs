using Baton.Api.Dashboard;
using Baton.History;

namespace Baton.Api.Tests;

/// <summary>The dashboard's timeline, from histories written by hand: spans, retries, and working versus waiting.</summary>
public sealed class InstanceTimelineTests
{
    private static readonly DateTime T0 = new(2026, 12, 1, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void ARetriedActivityAndAnEventWait_AreSpans_AndTheirTimeIsWorkingOrWaiting()
    {
        var timeline = Build(WorkflowRuntimeStatus.Completed,
            At(0, new WorkflowStarted("Flow", null)),
            At(0, new ActivityScheduled(0, "Charge", null, "default")),
            At(2, new ActivityFailed(0, new FailureDetails("TimeoutException", "gateway"))),
            At(2, new TimerCreated(1, T0.AddSeconds(5))),
            At(5, new TimerFired(1)),
            At(5, new ActivityScheduled(2, "Charge", null, "default")),
            At(6, new ActivityCompleted(2, "1")),
            At(6, new EventWaitStarted(3, "approval", null)),
            At(16, new EventRaised("approval", "true")),
            At(16, new WorkflowCompleted("1")));

        Assert.Equal(
            [("activity", "Charge", 1, "failed"), ("retry", "Charge", 2, "fired"), ("activity", "Charge", 2, "completed"), ("event", "approval", 1, "received")],
            timeline.Spans.Select(s => (s.Kind, s.Name, s.Attempt, s.Outcome)));
        Assert.Equal(3_000, timeline.WorkingMs); // 2 s, then 1 s
        Assert.Equal(13_000, timeline.WaitingMs); // the 3 s back-off, then 10 s for the event
        Assert.Equal(16_000, timeline.TotalMs);
        Assert.Equal((1, 0), (timeline.RetriesRecovered, timeline.RetriesExhausted));
        Assert.Empty(timeline.WaitingOn);
    }

    [Fact]
    public void OverlappingActivities_CountOnce_ARetryThatFailsAgainIsExhausted_AndALiveInstanceSaysWhatItWaitsOn()
    {
        var fanOut = Build(WorkflowRuntimeStatus.Running,
            At(0, new WorkflowStarted("Flow", null)),
            At(0, new ActivityScheduled(0, "A", null, "default")),
            At(5, new ActivityScheduled(1, "B", null, "default")),
            At(10, new ActivityCompleted(0, null)),
            At(15, new ActivityCompleted(1, null)),
            At(15, new ActivityScheduled(2, "C", null, "default")),
            At(16, new ActivityFailed(2, new FailureDetails("E", "no"))),
            At(16, new TimerCreated(3, T0.AddSeconds(17))),
            At(17, new TimerFired(3)),
            At(17, new ActivityScheduled(4, "C", null, "default")),
            At(18, new ActivityFailed(4, new FailureDetails("E", "no"))),
            At(18, new CallbackCreated(5, "review", "t", null, null)));

        Assert.Equal(17_000, fanOut.WorkingMs); // A and B together 15 s, then C 1 s and 1 s
        Assert.Equal((0, 1), (fanOut.RetriesRecovered, fanOut.RetriesExhausted));
        Assert.Equal(["callback review"], fanOut.WaitingOn);
        Assert.Null(fanOut.Spans[^1].End);
    }

    [Fact]
    public void AWaitAFinishedInstanceNoLongerNeeded_IsAbandoned_AndNotCountedAsWaiting()
    {
        var timeline = Build(WorkflowRuntimeStatus.Terminated,
            At(0, new WorkflowStarted("Flow", null)),
            At(0, new TimerCreated(0, T0.AddHours(1))),
            At(4, new WorkflowTerminated("no longer needed")));

        Assert.Equal("abandoned", Assert.Single(timeline.Spans).Outcome);
        Assert.Equal(0, timeline.WaitingMs);
    }

    private static HistoryEvent At(int seconds, HistoryEvent e) => e with { Timestamp = T0.AddSeconds(seconds) };

    private static Timeline Build(WorkflowRuntimeStatus status, params HistoryEvent[] history)
    {
        var last = history[^1].Timestamp;
        var instance = new WorkflowStatus
        {
            InstanceId = "i",
            Name = "Flow",
            RuntimeStatus = status,
            CreatedAt = T0,
            LastUpdatedAt = last,
            CompletedAt = status.IsTerminal() ? last : null,
        };
        return InstanceTimeline.Build(instance, history, last);
    }
}
