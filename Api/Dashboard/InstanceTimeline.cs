using Baton.History;

namespace Baton.Api.Dashboard;

/// <summary>
/// An instance's history as a timeline: a span per activity attempt, retry back-off, timer, event wait, callback and child
/// workflow, with how long the instance spent working (an activity or child running) versus waiting (on a timer, an
/// event, a callback or a back-off), and what it waits on now. Spans of one kind that overlap (a fan-out) count once.
/// </summary>
internal static class InstanceTimeline
{
    /// <summary>Builds the timeline of <paramref name="status"/> from its history.</summary>
    /// <param name="status">The instance, with its history.</param>
    /// <param name="now">The time a span still open ends at, for a live instance.</param>
    public static Timeline Build(WorkflowStatus status, IReadOnlyList<HistoryEvent> history, DateTime now)
    {
        var finished = status.RuntimeStatus.IsTerminal();
        var end = finished ? status.CompletedAt ?? status.LastUpdatedAt : now;
        var start = history.Count > 0 ? history[0].Timestamp : status.CreatedAt;
        var spans = new List<TimelineSpan>();
        var open = new Dictionary<int, int>(); // step id → index in spans
        var retrying = new Dictionary<string, int>(StringComparer.Ordinal); // activity → the attempt that failed and will be retried
        (string Name, int Attempt)? justFailed = null; // the attempt whose failure the previous event recorded
        var pendingEvents = new List<EventRaised>();
        var eventWaits = new List<int>(); // indexes of open event waits, in order
        int recovered = 0, exhausted = 0;

        void Open(int stepId, TimelineSpan span)
        {
            open[stepId] = spans.Count;
            spans.Add(span);
        }

        void Close(int stepId, DateTime at, string outcome)
        {
            if (open.Remove(stepId, out var index))
            {
                spans[index] = spans[index] with { End = at, Outcome = outcome };
            }
        }

        foreach (var e in history)
        {
            // A retry's back-off timer is created in the turn that took the failure, right after it; a failed retry that
            // is not followed by one was the last attempt.
            var failedJustBefore = justFailed;
            justFailed = null;
            if (failedJustBefore is { Attempt: > 1 } && e is not TimerCreated)
            {
                exhausted++;
            }

            switch (e)
            {
                case ActivityScheduled a:
                    var attempt = retrying.Remove(a.Name, out var previous) ? previous + 1 : 1;
                    Open(a.StepId, new TimelineSpan("activity", a.Name, a.Timestamp, null, "running", attempt, a.StepId));
                    break;
                case ActivityCompleted c:
                    if (open.TryGetValue(c.StepId, out var done) && spans[done].Attempt > 1)
                    {
                        recovered++;
                    }

                    Close(c.StepId, c.Timestamp, "completed");
                    break;
                case ActivityFailed f:
                    if (open.TryGetValue(f.StepId, out var failed))
                    {
                        justFailed = (spans[failed].Name, spans[failed].Attempt);
                    }

                    Close(f.StepId, f.Timestamp, "failed");
                    break;
                case TimerCreated t:
                    if (failedJustBefore is { } backoff)
                    {
                        retrying[backoff.Name] = backoff.Attempt;
                        Open(t.StepId, new TimelineSpan("retry", backoff.Name, t.Timestamp, null, "waiting", backoff.Attempt + 1, t.StepId));
                    }
                    else
                    {
                        Open(t.StepId, new TimelineSpan("timer", $"until {t.FireAt:O}", t.Timestamp, null, "waiting", 1, t.StepId));
                    }

                    break;
                case TimerFired t:
                    Close(t.StepId, t.Timestamp, "fired");
                    break;
                case EventWaitStarted w:
                    Open(w.StepId, new TimelineSpan("event", w.Name, w.Timestamp, null, "waiting", 1, w.StepId));
                    var buffered = pendingEvents.FindIndex(p => string.Equals(p.Name, w.Name, StringComparison.OrdinalIgnoreCase));
                    if (buffered >= 0)
                    {
                        Close(w.StepId, w.Timestamp, "received");
                        pendingEvents.RemoveAt(buffered);
                    }
                    else
                    {
                        eventWaits.Add(w.StepId);
                    }

                    break;
                case EventRaised r:
                    var waiting = eventWaits.FindIndex(id => open.TryGetValue(id, out var i) && string.Equals(spans[i].Name, r.Name, StringComparison.OrdinalIgnoreCase));
                    if (waiting >= 0)
                    {
                        Close(eventWaits[waiting], r.Timestamp, "received");
                        eventWaits.RemoveAt(waiting);
                    }
                    else
                    {
                        pendingEvents.Add(r);
                    }

                    break;
                case CallbackCreated cb:
                    Open(cb.StepId, new TimelineSpan("callback", cb.Name, cb.Timestamp, null, "waiting", 1, cb.StepId));
                    break;
                case CallbackCompleted cc:
                    Close(cc.StepId, cc.Timestamp, "completed");
                    break;
                case CallbackFailed cf:
                    Close(cf.StepId, cf.Timestamp, "failed");
                    break;
                case ChildWorkflowScheduled child:
                    Open(child.StepId, new TimelineSpan("child", $"{child.Name} {child.InstanceId}", child.Timestamp, null, "running", 1, child.StepId));
                    break;
                case ChildWorkflowCompleted cwc:
                    Close(cwc.StepId, cwc.Timestamp, "completed");
                    break;
                case ChildWorkflowFailed cwf:
                    Close(cwf.StepId, cwf.Timestamp, "failed");
                    break;
            }
        }

        if (justFailed is { Attempt: > 1 })
        {
            exhausted++;
        }

        var waitingOn = new List<string>();
        foreach (var (stepId, index) in open)
        {
            var span = spans[index];
            if (finished)
            {
                // Still open when the instance ended: a timer or wait it no longer needed (a deadline, a lost race).
                spans[index] = span with { End = end, Outcome = "abandoned" };
            }
            else
            {
                waitingOn.Add(span.Kind switch
                {
                    "activity" => $"activity {span.Name} (attempt {span.Attempt})",
                    "retry" => $"retry back-off of {span.Name}",
                    "child" => $"child workflow {span.Name}",
                    _ => $"{span.Kind} {span.Name}",
                });
            }
        }

        var counted = spans.Where(s => s.Outcome != "abandoned").ToList();
        var working = Union(counted.Where(s => s.Kind is "activity" or "child"), end);
        var waitingTime = Union(counted.Where(s => s.Kind is "timer" or "event" or "callback" or "retry"), end);
        var total = Math.Max(0, (end - start).TotalMilliseconds);
        return new Timeline(start, end, total, working, waitingTime, spans, waitingOn, recovered, exhausted);
    }

    /// <summary>The length of the union of the spans' intervals, in milliseconds.</summary>
    private static double Union(IEnumerable<TimelineSpan> spans, DateTime end)
    {
        double sum = 0;
        DateTime? runStart = null, runEnd = null;
        foreach (var (from, to) in spans.Select(s => (s.Start, s.End ?? end)).OrderBy(i => i.Start))
        {
            if (runEnd is { } current && from <= current)
            {
                runEnd = to > current ? to : current;
                continue;
            }

            if (runStart is { } s0 && runEnd is { } e0)
            {
                sum += (e0 - s0).TotalMilliseconds;
            }

            (runStart, runEnd) = (from, to);
        }

        if (runStart is { } s1 && runEnd is { } e1)
        {
            sum += (e1 - s1).TotalMilliseconds;
        }

        return sum;
    }
}

/// <summary>An instance's timeline.</summary>
/// <param name="Start">When it started.</param>
/// <param name="End">When it ended, or now for a live instance.</param>
/// <param name="TotalMs">From start to end.</param>
/// <param name="WorkingMs">Time with an activity or child workflow running.</param>
/// <param name="WaitingMs">Time with a timer, event wait, callback or retry back-off pending.</param>
/// <param name="Spans">Every span, in the order they began.</param>
/// <param name="WaitingOn">What a live instance waits on now.</param>
/// <param name="RetriesRecovered">Activity calls that failed at first and then succeeded on a retry.</param>
/// <param name="RetriesExhausted">Activity calls that were retried and failed for good.</param>
internal sealed record Timeline(
    DateTime Start, DateTime End, double TotalMs, double WorkingMs, double WaitingMs,
    IReadOnlyList<TimelineSpan> Spans, IReadOnlyList<string> WaitingOn, int RetriesRecovered, int RetriesExhausted);

/// <summary>One span of a timeline.</summary>
/// <param name="Kind"><c>activity</c>, <c>retry</c> (a back-off before the next attempt), <c>timer</c>, <c>event</c>, <c>callback</c> or <c>child</c>.</param>
/// <param name="Name">What: the activity, event, callback or child workflow's name.</param>
/// <param name="Start">When it began.</param>
/// <param name="End">When it ended; null while it is open.</param>
/// <param name="Outcome"><c>running</c>, <c>waiting</c>, <c>completed</c>, <c>failed</c>, <c>fired</c>, <c>received</c> or <c>abandoned</c>.</param>
/// <param name="Attempt">The attempt, for an activity (and the attempt a back-off leads to).</param>
/// <param name="StepId">The step number in the history.</param>
internal sealed record TimelineSpan(string Kind, string Name, DateTime Start, DateTime? End, string Outcome, int Attempt, int StepId);
