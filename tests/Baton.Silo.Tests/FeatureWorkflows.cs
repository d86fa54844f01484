using System.Collections.Concurrent;
using Baton.Silo.Hosting;

namespace Baton.Silo.Tests;

// Workflows and activities for the feature tests: each exercises one feature of IWorkflowContext.

public static class FeatureRegistration
{
    public static BatonBuilder AddFeatureWorkflows(this BatonBuilder baton) => baton
        .AddWorkflow<ApprovalWorkflow>()
        .AddWorkflow<TypedEventWorkflow>()
        .AddWorkflow<OrderedEventsWorkflow>()
        .AddWorkflow<CallbackWorkflow>()
        .AddWorkflow<ConditionWorkflow>()
        .AddWorkflow<RetryWorkflow>()
        .AddWorkflow<StepRetryWorkflow>()
        .AddWorkflow<TimeoutWorkflow>()
        .AddWorkflow<CancellingWorkflow>()
        .AddWorkflow<MapWorkflow>()
        .AddWorkflow<RaceWorkflow>()
        .AddWorkflow<TripWorkflow>()
        .AddWorkflow<ParentWorkflow>()
        .AddWorkflow<SquareChild>()
        .AddWorkflow<WaitingParent>()
        .AddWorkflow<CounterWorkflow>()
        .AddWorkflow<SuspendableWorkflow>()
        .AddWorkflow<EchoWorkflow>()
        .AddWorkflow<RewindableWorkflow>()
        .AddWorkflow<OversizeWorkflow>()
        .AddWorkflow<GatedUpdateWorkflow>()
        .AddEntity<Account>()
        .AddWorkflow<DepositTwice>()
        .AddWorkflow<Transfer>()
        .AddWorkflow<OverdraftWorkflow>()
        .AddActivity<FlakyActivity>()
        .AddActivity<HangingActivity>()
        .AddActivity<SquareOrFail>()
        .AddActivity<Oversize>();
}

/// <summary>Counts calls per key across silos of one test process.</summary>
public static class Probe
{
    private static readonly ConcurrentDictionary<string, int> Counts = new();

    public static int Next(string key) => Counts.AddOrUpdate(key, 1, (_, n) => n + 1);

    public static int Count(string key) => Counts.GetValueOrDefault(key);
}

/// <summary>Waits for an approval event for <c>input</c> seconds.</summary>
public sealed class ApprovalWorkflow : Workflow<int, string>
{
    public override async Task<string> RunAsync(IWorkflowContext context, int timeoutSeconds)
    {
        try
        {
            return "approved by " + await context.WaitForEventAsync<string>("approval", TimeSpan.FromSeconds(timeoutSeconds));
        }
        catch (EventTimeoutException)
        {
            return "timed out";
        }
    }
}

/// <summary>Waits for a "count" event of type int; data of another shape is caught, counted, and waited past.</summary>
public sealed class TypedEventWorkflow : Workflow<string?, string>
{
    public override async Task<string> RunAsync(IWorkflowContext context, string? input)
    {
        var refused = 0;
        while (true)
        {
            try
            {
                return $"{await context.WaitForEventAsync<int>("count")} after {refused} refused";
            }
            catch (PayloadDeserializationException)
            {
                refused++;
            }
        }
    }
}

/// <summary>Waits for "go", then for two "data" events (names are case-insensitive), which may have arrived before.</summary>
public sealed class OrderedEventsWorkflow : Workflow<string?, string>
{
    public override async Task<string> RunAsync(IWorkflowContext context, string? input)
    {
        var go = await context.WaitForEventAsync<string>("go");
        var first = await context.WaitForEventAsync<string>("data");
        var second = await context.WaitForEventAsync<string>("DATA");
        return $"{go}:{first}:{second}";
    }
}

public sealed record CallbackRequest(int TimeoutSeconds, int HeartbeatSeconds);

public sealed record TokenStatus(string Token);

/// <summary>Creates a callback, publishes its token as the custom status, and reports how it ended.</summary>
public sealed class CallbackWorkflow : Workflow<CallbackRequest, string>
{
    public override async Task<string> RunAsync(IWorkflowContext context, CallbackRequest request)
    {
        var callback = context.CreateCallback<string>("payment", new CallbackOptions
        {
            Timeout = request.TimeoutSeconds > 0 ? TimeSpan.FromSeconds(request.TimeoutSeconds) : null,
            HeartbeatTimeout = request.HeartbeatSeconds > 0 ? TimeSpan.FromSeconds(request.HeartbeatSeconds) : null,
        });
        context.SetCustomStatus(new TokenStatus(callback.Token));
        try
        {
            return "paid " + await callback.Result;
        }
        catch (CallbackFailedException ex)
        {
            return "failed: " + ex.Failure.Message;
        }
        catch (CallbackTimeoutException ex)
        {
            return ex.MissedHeartbeat ? "heartbeat missed" : "timed out";
        }
    }
}

/// <summary>Polls a check that turns true on its <c>input</c>-th call, at most five times.</summary>
public sealed class ConditionWorkflow : Workflow<int, string>
{
    public override async Task<string> RunAsync(IWorkflowContext context, int readyOnCheck)
    {
        var key = "condition/" + context.InstanceId;
        try
        {
            await context.WaitForConditionAsync("ready", () => Task.FromResult(Probe.Next(key) >= readyOnCheck), new PollingStrategy
            {
                MaxAttempts = 5,
                FirstInterval = TimeSpan.FromSeconds(10),
                BackoffCoefficient = 2,
            });
            return "ready";
        }
        catch (ConditionNotMetException ex)
        {
            return $"gave up after {ex.Attempts}";
        }
    }
}

public sealed record FlakyRequest(string Key, int FailTimes, bool Fatal = false);

/// <summary>Fails its first <c>FailTimes</c> calls per key (with ArgumentException when fatal), then returns the attempt number.</summary>
public sealed class FlakyActivity : Activity<FlakyRequest, int>
{
    public override Task<int> RunAsync(ActivityContext context, FlakyRequest request)
    {
        var attempt = Probe.Next(request.Key);
        if (attempt <= request.FailTimes)
        {
            return request.Fatal
                ? throw new ArgumentException($"attempt {attempt} is hopeless")
                : throw new InvalidOperationException($"attempt {attempt} failed");
        }

        return Task.FromResult(attempt);
    }
}

/// <summary>Calls FlakyActivity with four attempts, one minute apart at first, ArgumentException not retried.</summary>
public sealed class RetryWorkflow : Workflow<FlakyRequest, string>
{
    public static readonly RetryPolicy Policy = new()
    {
        MaxAttempts = 4,
        FirstRetryInterval = TimeSpan.FromMinutes(1),
        BackoffCoefficient = 2,
        Jitter = 0.2,
        NonRetryableExceptions = [typeof(ArgumentException)],
    };

    public override async Task<string> RunAsync(IWorkflowContext context, FlakyRequest request)
    {
        try
        {
            var attempt = await context.CallActivityAsync<int>(nameof(FlakyActivity), request, new ActivityOptions { Retry = Policy });
            return $"succeeded on attempt {attempt}";
        }
        catch (ActivityFailedException ex)
        {
            return $"gave up: {ex.Failure.Message}";
        }
    }
}

/// <summary>An inline step that fails twice, retried with short waits.</summary>
public sealed class StepRetryWorkflow : Workflow<string, int>
{
    public override Task<int> RunAsync(IWorkflowContext context, string key) =>
        context.StepAsync("flaky", () =>
        {
            var attempt = Probe.Next(key);
            return attempt < 3 ? throw new InvalidOperationException("not yet") : Task.FromResult(attempt);
        }, new RetryPolicy { MaxAttempts = 5, FirstRetryInterval = TimeSpan.FromMilliseconds(20) });
}

public sealed record HangRequest(string Key, int HangAttempts, bool HeartbeatWhenWorking, int StartToCloseMs, int HeartbeatMs, int ScheduleToCloseMs, int WorkSteps = 6);

/// <summary>Hangs (ignoring nothing but cancellation) on its first attempts; later ones work for WorkSteps × 100 ms, heartbeating if asked.</summary>
public sealed class HangingActivity : Activity<HangRequest, int>
{
    public override async Task<int> RunAsync(ActivityContext context, HangRequest request)
    {
        var attempt = Probe.Next(request.Key);
        try
        {
            if (attempt <= request.HangAttempts)
            {
                await Task.Delay(Timeout.Infinite, context.CancellationToken);
            }

            for (var i = 0; i < request.WorkSteps; i++)
            {
                if (request.HeartbeatWhenWorking)
                {
                    context.Heartbeat(new { percent = i * 100 / request.WorkSteps });
                }

                await Task.Delay(100, context.CancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            Probe.Next(request.Key + "/cancelled");
            throw;
        }

        return attempt;
    }
}

/// <summary>Calls HangingActivity with the request's timeouts and up to three attempts.</summary>
public sealed class TimeoutWorkflow : Workflow<HangRequest, string>
{
    public override async Task<string> RunAsync(IWorkflowContext context, HangRequest request)
    {
        var options = new ActivityOptions
        {
            StartToCloseTimeout = request.StartToCloseMs > 0 ? TimeSpan.FromMilliseconds(request.StartToCloseMs) : null,
            HeartbeatTimeout = request.HeartbeatMs > 0 ? TimeSpan.FromMilliseconds(request.HeartbeatMs) : null,
            ScheduleToCloseTimeout = request.ScheduleToCloseMs > 0 ? TimeSpan.FromMilliseconds(request.ScheduleToCloseMs) : null,
            Retry = new RetryPolicy { MaxAttempts = 3, FirstRetryInterval = TimeSpan.FromMilliseconds(10) },
        };
        try
        {
            return $"ok on attempt {await context.CallActivityAsync<int>(nameof(HangingActivity), request, options)}";
        }
        catch (ActivityFailedException ex)
        {
            return "failed: " + ex.Failure.Message;
        }
    }
}

/// <summary>Starts a month-long timer, a hanging activity and an event wait, then cancels all three when told.</summary>
public sealed class CancellingWorkflow : Workflow<string, string>
{
    public override async Task<string> RunAsync(IWorkflowContext context, string key)
    {
        using var cancel = new CancellationTokenSource();
        var timer = context.DelayAsync(TimeSpan.FromDays(30), cancel.Token);
        var activity = context.CallActivityAsync<int>(nameof(HangingActivity), new HangRequest(key, 100, false, 0, 0, 0), null, cancel.Token);
        var wait = context.WaitForEventAsync<string>("never", null, cancel.Token);
        await context.WaitForEventAsync<string>("cancel");
#pragma warning disable CA1849 // Workflow code cancels synchronously, on its own scheduler.
        cancel.Cancel();
#pragma warning restore CA1849
        return $"{timer.IsCanceled}/{activity.IsCanceled}/{wait.IsCanceled}";
    }
}

/// <summary>Fails for multiples of <c>FailEvery</c> (when positive); otherwise returns the square.</summary>
public sealed class SquareOrFail : Activity<SquareItem, long>
{
    public override Task<long> RunAsync(ActivityContext context, SquareItem item) =>
        item.FailEvery > 0 && item.Value % item.FailEvery == 0
            ? throw new InvalidOperationException($"item {item.Value} fails")
            : Task.FromResult((long)item.Value * item.Value);
}

public sealed record SquareItem(int Value, int FailEvery);

public sealed record MapRequest(int Count, int MaxConcurrency, string Rule, int FailEvery);

public sealed record MapSummary(int Succeeded, int Failed, int Cancelled, int NotStarted, long Sum, string? Error);

/// <summary>Maps SquareOrFail over 0..Count-1 under a completion rule named in the request.</summary>
public sealed class MapWorkflow : Workflow<MapRequest, MapSummary>
{
    public override async Task<MapSummary> RunAsync(IWorkflowContext context, MapRequest request)
    {
        var items = Enumerable.Range(0, request.Count).Select(i => new SquareItem(i, request.FailEvery)).ToArray();
        var rule = request.Rule.Split(':') switch
        {
            ["first"] => CompletionRule.FirstSuccessful,
            ["atleast", var n] => CompletionRule.AtLeast(int.Parse(n, System.Globalization.CultureInfo.InvariantCulture)),
            ["tolerate", var n] => CompletionRule.Tolerate(int.Parse(n, System.Globalization.CultureInfo.InvariantCulture)),
            ["share", var p] => CompletionRule.TolerateShare(double.Parse(p, System.Globalization.CultureInfo.InvariantCulture)),
            _ => CompletionRule.AllSuccessful,
        };
        try
        {
            var result = await context.MapAsync<SquareItem, long>(items, nameof(SquareOrFail), new BatchOptions { MaxConcurrency = request.MaxConcurrency, Completion = rule });
            return new MapSummary(result.SucceededCount, result.FailedCount, Count(result.Items.Select(i => i.Status), BatchItemStatus.Cancelled),
                Count(result.Items.Select(i => i.Status), BatchItemStatus.NotStarted), result.Results.Sum(), null);
        }
        catch (BatchFailedException ex)
        {
            var statuses = ex.Outcomes.Select(o => o.Status).ToArray();
            return new MapSummary(Count(statuses, BatchItemStatus.Succeeded), Count(statuses, BatchItemStatus.Failed),
                Count(statuses, BatchItemStatus.Cancelled), Count(statuses, BatchItemStatus.NotStarted), 0, ex.Message);
        }
    }

    private static int Count(IEnumerable<BatchItemStatus> statuses, BatchItemStatus status) => statuses.Count(s => s == status);
}

/// <summary>Three branches wait 1 minute, 1 hour and 1 day; the first to finish wins and the others are cancelled.</summary>
public sealed class RaceWorkflow : Workflow<string?, string>
{
    public override async Task<string> RunAsync(IWorkflowContext context, string? input)
    {
        Func<CancellationToken, Task<string>> Wait(TimeSpan delay, string name) => async token =>
        {
            await context.DelayAsync(delay, token);
            return name;
        };

        var result = await context.ParallelAsync([Wait(TimeSpan.FromDays(1), "day"), Wait(TimeSpan.FromMinutes(1), "minute"), Wait(TimeSpan.FromHours(1), "hour")],
            new BatchOptions { Completion = CompletionRule.FirstSuccessful });
        return string.Join(",", result.Items.Select(i => $"{i.Index}:{i.Status}:{i.Result}"));
    }
}

/// <summary>Books a hotel and a flight, then pays; when payment fails it undoes the bookings in reverse.</summary>
public sealed class TripWorkflow : Workflow<bool, string>
{
    public override async Task<string> RunAsync(IWorkflowContext context, bool paymentFails)
    {
        var saga = new Compensations();
        var undone = new List<string>();
        await context.CallActivityAsync<string>(nameof(Echo), "book hotel");
        saga.Add(async () => undone.Add(await context.CallActivityAsync<string>(nameof(Echo), "cancel hotel")));
        await context.CallActivityAsync<string>(nameof(Echo), "book flight");
        saga.Add(async () => undone.Add(await context.CallActivityAsync<string>(nameof(Echo), "cancel flight")));
        try
        {
            await context.CallActivityAsync<string>(paymentFails ? nameof(FailingActivity) : nameof(Echo), "pay");
            return "booked";
        }
        catch (ActivityFailedException)
        {
            await saga.CompensateAsync();
            return "compensated: " + string.Join(", ", undone);
        }
    }
}

/// <summary>Squares its input through an activity; negative input fails it.</summary>
public sealed class SquareChild : Workflow<int, long>
{
    public override async Task<long> RunAsync(IWorkflowContext context, int value) =>
        value < 0 ? throw new InvalidOperationException($"{value} is negative") : await context.CallActivityAsync<long>("Square", value);
}

/// <summary>Runs one SquareChild per item and sums them, reporting a child's failure.</summary>
public sealed class ParentWorkflow : Workflow<int[], string>
{
    public override async Task<string> RunAsync(IWorkflowContext context, int[] values)
    {
        try
        {
            var results = await Task.WhenAll(values.Select(v => context.CallWorkflowAsync<long>(nameof(SquareChild), v)));
            return $"sum {results.Sum()}";
        }
        catch (ChildWorkflowFailedException ex)
        {
            return $"child {ex.InstanceId} failed: {ex.Failure.Message}";
        }
    }
}

/// <summary>Starts an ApprovalWorkflow child that waits an hour.</summary>
public sealed class WaitingParent : Workflow<string?, string>
{
    public override Task<string> RunAsync(IWorkflowContext context, string? input) =>
        context.CallWorkflowAsync<string>(nameof(ApprovalWorkflow), 3600);
}

public sealed record CounterState(int Count, int Target);

/// <summary>Counts to Target by continuing as new each time, then waits for "final", which may have been raised long before.</summary>
public sealed class CounterWorkflow : Workflow<CounterState, string>
{
    public override async Task<string> RunAsync(IWorkflowContext context, CounterState state)
    {
        if (state.Count < state.Target)
        {
            context.SetCustomStatus(state.Count);
            context.ContinueAsNew(state with { Count = state.Count + 1 });
            return "continued";
        }

        return $"{state.Count}:{await context.WaitForEventAsync<string>("final")}";
    }
}

/// <summary>Waits a minute, then for an "after" event.</summary>
public sealed class SuspendableWorkflow : Workflow<string?, string>
{
    public override async Task<string> RunAsync(IWorkflowContext context, string? input)
    {
        await context.DelayAsync(TimeSpan.FromMinutes(1));
        return "resumed with " + await context.WaitForEventAsync<string>("after");
    }
}

/// <summary>Passes its input through an activity and returns it.</summary>
public sealed class EchoWorkflow : Workflow<string, string>
{
    public override Task<string> RunAsync(IWorkflowContext context, string input) => context.CallActivityAsync<string>(nameof(Echo), input);
}

/// <summary>Returns a string of the requested length.</summary>
public sealed class Oversize : Activity<int, string>
{
    public override Task<string> RunAsync(ActivityContext context, int length) => Task.FromResult(new string('x', length));
}

/// <summary>
/// Its "hold" update waits in its handler for the "release" event and answers with the event's data; the run waits for
/// "finish". So an update can be left running when the run ends, or taken while the instance is suspended.
/// </summary>
public sealed class GatedUpdateWorkflow : Workflow<string, string>
{
    public override async Task<string> RunAsync(IWorkflowContext context, string input)
    {
        var held = 0;
        context.SetUpdateHandler<string, string>("hold", async tag =>
        {
            held++;
            return $"{tag}:{await context.WaitForEventAsync<string>("release")}";
        });
        context.SetQueryHandler("held", () => held);
        await context.WaitForEventAsync<bool>("finish");
        return $"{input}:{held}";
    }
}

/// <summary>A balance: deposits, a read, and an overdraft that throws (leaving the balance as it was).</summary>
public sealed class Account : Entity<int>
{
    public int Deposit(int amount) => State += amount;

    public int Balance() => State;

    public void Withdraw(int amount)
    {
        if (amount > State)
        {
            throw new InvalidOperationException($"cannot withdraw {amount} from {State}");
        }

        State -= amount;
    }

    public void Reset() => State = 0;
}

/// <summary>Calls one account's Deposit twice (awaiting each answer), signals a third deposit, and returns the two answers.</summary>
public sealed class DepositTwice : Workflow<string, int[]>
{
    public override async Task<int[]> RunAsync(IWorkflowContext context, string account)
    {
        var id = new EntityId(nameof(Account), account);
        var first = await context.CallEntityAsync<int>(id, "deposit", 1);
        var second = await context.CallEntityAsync<int>(id, "Deposit", 1);
        context.SignalEntity(id, "deposit", 1);
        return [first, second];
    }
}

/// <summary>Moves an amount between two accounts inside a critical section: read both, withdraw, deposit; false when funds are short.</summary>
public sealed class Transfer : Workflow<TransferRequest, bool>
{
    public override async Task<bool> RunAsync(IWorkflowContext context, TransferRequest request)
    {
        var (from, to) = (new EntityId(nameof(Account), request.From), new EntityId(nameof(Account), request.To));
        using (await context.LockEntitiesAsync(from, to))
        {
            if (await context.CallEntityAsync<int>(from, "balance") < request.Amount)
            {
                return false;
            }

            await context.CallEntityAsync<object?>(from, "withdraw", request.Amount);
            await context.CallEntityAsync<int>(to, "deposit", request.Amount);
            return true;
        }
    }
}

/// <summary>What <see cref="Transfer"/> moves.</summary>
public sealed record TransferRequest(string From, string To, int Amount);

/// <summary>Withdraws 5 from an account by a call and reports the entity's refusal.</summary>
public sealed class OverdraftWorkflow : Workflow<string, string>
{
    public override async Task<string> RunAsync(IWorkflowContext context, string account)
    {
        try
        {
            await context.CallEntityAsync<object?>(new EntityId(nameof(Account), account), "withdraw", 5);
            return "withdrawn";
        }
        catch (EntityOperationFailedException ex)
        {
            return $"refused: {ex.Failure.Message}";
        }
    }
}
