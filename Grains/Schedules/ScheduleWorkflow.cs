namespace Baton.Grains.Schedules;

/// <summary>
/// A schedule, as a workflow: it waits on a durable timer for its next run time (or a command, whichever comes first),
/// starts the run under an id made of its own and the run's time (so a run replayed, retried or recovered after a crash
/// is never started twice), applies the overlap policy, and continues as new every <see cref="RunsPerHistory"/> steps to
/// keep its history short. Its custom status is its <see cref="ScheduleDescription"/>.
/// </summary>
internal sealed class ScheduleWorkflow : Workflow<ScheduleState, ScheduleState>
{
    /// <summary>Runs and commands handled before the schedule continues as new.</summary>
    public const int RunsPerHistory = 50;

    /// <summary>How often a run buffered behind a live one checks whether it may start.</summary>
    public static readonly TimeSpan BufferPoll = TimeSpan.FromSeconds(5);

    private static readonly ActivityOptions Quick = new()
    {
        StartToCloseTimeout = TimeSpan.FromSeconds(30),
        Retry = new RetryPolicy { MaxAttempts = 5, FirstRetryInterval = TimeSpan.FromSeconds(1) },
    };

    public override async Task<ScheduleState> RunAsync(IWorkflowContext context, ScheduleState state)
    {
        state = state with { Anchor = state.Anchor ?? context.CurrentUtcDateTime };
        for (var handled = 0; handled < RunsPerHistory; handled++)
        {
            var now = context.CurrentUtcDateTime;
            DateTime? due = null;
            if (!state.Paused)
            {
                due = state.Spec.NextAfter(state.LastRunAt ?? state.Anchor!.Value, state.Anchor!.Value);
                var missed = 0;
                while (due is { } late && late < now - state.Spec.CatchupWindow && missed < 100_000)
                {
                    missed++;
                    due = state.Spec.NextAfter(late, state.Anchor!.Value);
                }

                if (missed > 0)
                {
                    state = state with { Missed = state.Missed + missed, LastRunAt = state.Spec.NextAfter(now - state.Spec.CatchupWindow, state.Anchor!.Value) is { } first ? first.AddTicks(-1) : now };
                }
            }

            var startAt = due is { } at ? at + Jitter(state, at) : (DateTime?)null;
            context.SetCustomStatus(Describe(state, startAt));

            ScheduleCommand? command = null;
            if (startAt is null)
            {
                command = await context.WaitForEventAsync<ScheduleCommand>(ScheduleClient.CommandEvent);
            }
            else if (startAt > now)
            {
                try
                {
                    command = await context.WaitForEventAsync<ScheduleCommand>(ScheduleClient.CommandEvent, startAt - now);
                }
                catch (EventTimeoutException)
                {
                }
            }

            state = command is null
                ? await RunScheduledAsync(context, state with { LastRunAt = due }, RunId(state.ScheduleId, due!.Value))
                : await ApplyAsync(context, state, command);
        }

        context.SetCustomStatus(Describe(state, null));
        context.ContinueAsNew(state);
        return state;
    }

    private static async Task<ScheduleState> ApplyAsync(IWorkflowContext context, ScheduleState state, ScheduleCommand command)
    {
        var now = context.CurrentUtcDateTime;
        switch (command.Kind)
        {
            case ScheduleCommandKind.Pause:
                return state with { Paused = true };
            case ScheduleCommandKind.Resume:
                return state with { Paused = false, LastRunAt = now };
            case ScheduleCommandKind.Update when command.Spec is { } spec:
                return state with { Spec = spec, Paused = spec.Paused, Anchor = now, LastRunAt = null };
            case ScheduleCommandKind.Trigger:
                return await RunScheduledAsync(context, state, RunId(state.ScheduleId, now));
            case ScheduleCommandKind.Backfill when command.From is { } from && command.To is { } to:
                var times = 0;
                for (var at = state.Spec.NextAfter(from, state.Anchor!.Value); at is { } time && time <= to && times < 1_000; at = state.Spec.NextAfter(time, state.Anchor!.Value), times++)
                {
                    // Backfilled runs overlap by nature: each starts under the id a run at its time has, so none is started twice.
                    state = await StartAsync(context, state, RunId(state.ScheduleId, time));
                }

                return state;
            default:
                return state;
        }
    }

    private static async Task<ScheduleState> RunScheduledAsync(IWorkflowContext context, ScheduleState state, string runId)
    {
        if (state.LastRunId is { } previous && state.Spec.Overlap != ScheduleOverlap.AllowAll
            && await context.CallActivityAsync<bool>(ScheduleActivities.IsLive, previous, Quick))
        {
            switch (state.Spec.Overlap)
            {
                case ScheduleOverlap.Skip:
                    return state with { Skipped = state.Skipped + 1 };
                case ScheduleOverlap.CancelPrevious:
                    await context.CallActivityAsync<bool>(ScheduleActivities.Terminate, previous, Quick);
                    break;
                case ScheduleOverlap.BufferOne:
                    while (await context.CallActivityAsync<bool>(ScheduleActivities.IsLive, previous, Quick))
                    {
                        await context.DelayAsync(BufferPoll);
                    }

                    break;
            }
        }

        return await StartAsync(context, state, runId);
    }

    private static async Task<ScheduleState> StartAsync(IWorkflowContext context, ScheduleState state, string runId)
    {
        try
        {
            await context.CallActivityAsync<string>(ScheduleActivities.Start, new ScheduledRun(runId, state.Spec.Workflow, state.Spec.Input), Quick);
        }
        catch (ActivityFailedException ex)
        {
            return state with { Failed = state.Failed + 1, LastError = ex.Failure.Message };
        }

        return state with { Started = state.Started + 1, LastRunId = runId, RecentRuns = [.. state.RecentRuns.TakeLast(9), runId] };
    }

    /// <summary>A run's instance id: the schedule's id and the run's time, to the millisecond.</summary>
    internal static string RunId(string scheduleId, DateTime at) => $"{scheduleId}@{at:yyyyMMdd'T'HHmmss.fff'Z'}";

    /// <summary>The run's delay within the jitter: fixed per schedule and run time, so that replay computes the same.</summary>
    private static TimeSpan Jitter(ScheduleState state, DateTime at)
    {
        if (state.Spec.Jitter <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        var hash = 14695981039346656037UL;
        foreach (var c in $"{state.ScheduleId}/{at.Ticks}")
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return TimeSpan.FromTicks((long)(hash % (ulong)state.Spec.Jitter.Ticks));
    }

    private static ScheduleDescription Describe(ScheduleState state, DateTime? next) => new()
    {
        ScheduleId = state.ScheduleId,
        Spec = state.Spec,
        Paused = state.Paused,
        NextRunAt = next,
        LastRunAt = state.LastRunAt,
        Started = state.Started,
        Skipped = state.Skipped,
        Missed = state.Missed,
        Failed = state.Failed,
        LastError = state.LastError,
        RecentRuns = state.RecentRuns,
    };
}

/// <summary>One run to start.</summary>
/// <param name="InstanceId">Its instance id.</param>
/// <param name="Workflow">Its workflow.</param>
/// <param name="Input">Its input.</param>
internal sealed record ScheduledRun(string InstanceId, string Workflow, System.Text.Json.JsonElement? Input);
