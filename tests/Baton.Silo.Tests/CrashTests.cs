using System.Diagnostics;
using Baton.CrashHost;
using Baton.History;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Xunit.Abstractions;

namespace Baton.Silo.Tests;

/// <summary>Kills a silo process with SIGKILL mid-flight and proves a new silo on the same file loses and duplicates nothing.</summary>
public sealed class CrashTests(ITestOutputHelper output)
{
    private const int Instances = 200;
    private const int StepsPerInstance = 6;

    [Fact]
    public async Task Silo_KilledMidFlight_NewSiloFinishesEveryInstanceExactlyOnce()
    {
        var db = TestSilo.NewDatabasePath();
        var log = Path.Combine(Path.GetDirectoryName(db)!, "executions.log");
        Directory.CreateDirectory(Path.GetDirectoryName(db)!);

        using (var child = StartCrashHost(db, log))
        {
            await WaitFor(() => ExecutionLog.Read(log).Count >= 150, child, TimeSpan.FromSeconds(90));
            child.Kill(); // SIGKILL on Unix: no shutdown code runs, no lease is released.
            await child.WaitForExitAsync();
        }

        var executedBeforeKill = ExecutionLog.Read(log);
        var finishedBeforeKill = CountFinished(db);
        Assert.True(finishedBeforeKill < Instances, $"All {Instances} instances finished before the kill; the test proves nothing.");

        // Ready is the silo turning active, when recovery starts; StartAsync returns later, after the test cluster's client.
        var ready = new ActiveStageClock();
        await using var silo = await TestSilo.StartAsync(db, register: b => b.AddCrashWorkflows(log), services: s => s.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(ready));
        var executions = silo.Services.GetRequiredService<ExecutionLog>();
        await Eventually.WaitUntil(() => Task.FromResult(executions.FirstRecorded != 0), TimeSpan.FromSeconds(60));
        var firstResumedStep = Stopwatch.GetElapsedTime(ready.Timestamp, executions.FirstRecorded);
        await Eventually.WaitUntil(async () =>
            (await silo.Client.ListAsync(new WorkflowQuery { Statuses = [WorkflowRuntimeStatus.Completed], PageSize = 1000 })).Items.Count == Instances,
            TimeSpan.FromSeconds(120));
        var allDone = Stopwatch.GetElapsedTime(ready.Timestamp);

        for (var k = 0; k < Instances; k++)
        {
            var status = (await silo.Client.GetStatusAsync($"crash-{k:D3}", includeHistory: true))!;
            Assert.Equal(WorkflowRuntimeStatus.Completed, status.RuntimeStatus);
            Assert.Equal(CrashFanOut.Expected(k), status.ReadOutput<long>());
            AssertNoStepRecordedTwice(status);
        }

        var counts = ExecutionLog.Read(log).GroupBy(l => l).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(Instances * StepsPerInstance, counts.Count);
        Assert.All(counts, e => Assert.True(e.Value <= 2, $"{e.Key} ran {e.Value} times."));
        Assert.All(executedBeforeKill.Distinct(), e => Assert.True(counts[e] <= 2));
        Assert.True(counts.Values.Sum() > counts.Count - 1, "Sanity: every step ran at least once.");
        output.WriteLine(
            $"Killed with {finishedBeforeKill} of {Instances} finished and {executedBeforeKill.Count} steps run. After the new silo was ready, " +
            $"the first resumed step ran at {firstResumedStep.TotalMilliseconds:N0} ms and all had finished by {allDone.TotalMilliseconds:N0} ms; " +
            $"{counts.Values.Sum() - counts.Count} steps ran twice.");
    }

    [Fact]
    public async Task Silo_KilledMidFlight_ChildrenRetriesAndEventsAreNeitherLostNorDoubled()
    {
        const int parents = 100;
        var db = TestSilo.NewDatabasePath();
        var log = Path.Combine(Path.GetDirectoryName(db)!, "executions.log");
        Directory.CreateDirectory(Path.GetDirectoryName(db)!);

        using (var child = StartCrashHost(db, log, parents, "--composite"))
        {
            await WaitFor(() => ExecutionLog.Read(log).Count(l => l.StartsWith("flaky/", StringComparison.Ordinal)) >= 1, child, TimeSpan.FromSeconds(90));
            child.Kill();
            await child.WaitForExitAsync();
        }

        Assert.True(CountFinished(db, "composite-___") < parents, "Every parent finished before the kill; the test proves nothing.");

        await using var silo = await TestSilo.StartAsync(db, register: b => b.AddCrashWorkflows(log));
        // A query after the kill answers from what was committed before it: each parent is at a stage it really reached.
        var stages = await Task.WhenAll(Enumerable.Range(0, parents).Select(k => silo.Client.QueryAsync<string>($"composite-{k:D3}", "stage")));
        Assert.All(stages, stage => Assert.Matches(@"^(child|retrying after child \d+|waiting for go|done)$", stage));
        await Eventually.WaitUntil(async () =>
            (await silo.Client.ListAsync(new WorkflowQuery { InstanceIdPrefix = "composite-", Statuses = [WorkflowRuntimeStatus.Completed], PageSize = 1000 }))
                .Items.Count(i => i.ParentInstanceId is null) == parents,
            TimeSpan.FromSeconds(120));

        var executions = ExecutionLog.Read(log).GroupBy(l => l).ToDictionary(g => g.Key, g => g.Count());
        for (var k = 0; k < parents; k++)
        {
            var id = $"composite-{k:D3}";
            var status = (await silo.Client.GetStatusAsync(id, includeHistory: true))!;
            Assert.Equal(CrashComposite.Expected(k), status.ReadOutput<long>());
            Assert.Single(status.History!, e => e is ChildWorkflowScheduled);
            Assert.Single(status.History!, e => e is EventRaised);
            AssertNoStepRecordedTwice((await silo.Client.GetStatusAsync($"{id}:0", includeHistory: true))!);
            Assert.InRange(executions[$"flaky/{id}"], 2, 3);
            Assert.Equal("done", await silo.Client.QueryAsync<string>(id, "stage"));
        }

        Assert.All(executions.Where(e => !e.Key.StartsWith("flaky/", StringComparison.Ordinal)), e => Assert.True(e.Value <= 2, $"{e.Key} ran {e.Value} times."));
    }

    [Fact]
    public async Task ASchedule_KilledBetweenRuns_CatchesUpOnRestart_StartingEveryRunExactlyOnce()
    {
        var db = TestSilo.NewDatabasePath();
        var log = Path.Combine(Path.GetDirectoryName(db)!, "executions.log");
        Directory.CreateDirectory(Path.GetDirectoryName(db)!);
        using (var child = StartCrashHost(db, log, 0, "--schedule"))
        {
            await WaitFor(() => CountInstances(db, "tick@%") >= 3, child, TimeSpan.FromSeconds(90));
            child.Kill(); // SIGKILL, between (or during) runs
            await child.WaitForExitAsync();
        }

        var beforeRestart = CountInstances(db, "tick@%");
        await using var silo = await TestSilo.StartAsync(db, register: b => b.AddCrashWorkflows(log));
        await Eventually.WaitUntil(() => Task.FromResult(CountInstances(db, "tick@%") >= beforeRestart + 5), TimeSpan.FromSeconds(60));

        // Every second from the first run to the last has exactly one run: the ones due while the host was down (well
        // inside the catch-up window) were started on restart, and none was started twice.
        var runs = (await silo.Client.ListAsync(new WorkflowQuery { InstanceIdPrefix = "tick@", PageSize = 1000, OldestFirst = true })).Items
            .Select(s => DateTime.ParseExact(s.InstanceId["tick@".Length..], "yyyyMMdd'T'HHmmss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture))
            .Order().ToList();
        Assert.All(runs.Zip(runs.Skip(1)), pair => Assert.Equal(TimeSpan.FromSeconds(1), pair.Second - pair.First));
        var schedule = (await new ScheduleClient(silo.Client).GetAsync("tick"))!;
        Assert.Equal(0, schedule.Missed);
        foreach (var run in runs.Take(beforeRestart + 2).Select(t => $"tick@{t:yyyyMMdd'T'HHmmss.fff'Z'}"))
        {
            Assert.Single((await silo.Client.GetStatusAsync(run, includeHistory: true))!.History!, e => e is WorkflowStarted);
        }
    }

    [Fact]
    public async Task Updates_KilledWhileTheirHandlersRun_AreAnsweredOnceAfterTheRestart_ByTheSameUpdateIds()
    {
        const int ledgers = 40;
        var db = TestSilo.NewDatabasePath();
        var log = Path.Combine(Path.GetDirectoryName(db)!, "executions.log");
        Directory.CreateDirectory(Path.GetDirectoryName(db)!);
        using (var child = StartCrashHost(db, log, ledgers, "--updates"))
        {
            await WaitFor(() => ExecutionLog.Read(log).Count(l => l.StartsWith("deposit/", StringComparison.Ordinal)) >= 3, child, TimeSpan.FromSeconds(90));
            child.Kill(); // SIGKILL, with deposits accepted and their activities running, and others not yet sent
            await child.WaitForExitAsync();
        }

        var depositedBeforeKill = ExecutionLog.Read(log).Count(l => l.StartsWith("deposit/", StringComparison.Ordinal));
        Assert.True(depositedBeforeKill < ledgers, "Every deposit ran before the kill; the test proves nothing.");

        await using var silo = await TestSilo.StartAsync(db, register: b => b.AddCrashWorkflows(log));
        // A client that lost its answers in the crash sends each update again under its id: one answer per update, whether
        // it was accepted before the kill, mid-way, or not at all.
        var ids = Enumerable.Range(0, ledgers).Select(k => $"ledger-{k:D3}").ToArray();
        await Task.WhenAll(ids.Select(async (id, k) =>
        {
            if ((await silo.Client.GetStatusAsync(id)) is null)
            {
                await silo.Client.StartAsync(nameof(CrashLedger), 0, new StartWorkflowOptions { InstanceId = id });
            }
        }));
        var balances = await Task.WhenAll(ids.Select((id, k) =>
            silo.Client.UpdateAsync<int>(id, "deposit", 100 + k, new UpdateOptions { UpdateId = $"deposit-{k}" }).WaitAsync(TimeSpan.FromSeconds(60))));
        Assert.Equal(Enumerable.Range(0, ledgers).Select(k => 100 + k).ToArray(), balances);
        var rejected = await Assert.ThrowsAsync<UpdateRejectedException>(() => silo.Client.UpdateAsync(ids[0], "deposit", -5));
        Assert.Contains("must be positive", rejected.Reason);

        var executions = ExecutionLog.Read(log).GroupBy(l => l).ToDictionary(g => g.Key, g => g.Count());
        for (var k = 0; k < ledgers; k++)
        {
            await silo.Client.RaiseEventAsync(ids[k], "close", true);
            var status = await silo.Client.WaitForCompletionAsync(ids[k], Eventually.Timeout);
            Assert.Equal(100 + k, status.ReadOutput<int>());
            var history = (await silo.Client.GetStatusAsync(ids[k], includeHistory: true))!.History!;
            Assert.Single(history, e => e is UpdateAccepted);
            Assert.Single(history, e => e is UpdateCompleted);
            Assert.Single(history, e => e is ActivityScheduled);
            // Run again only if its attempt was cut off by the kill.
            Assert.InRange(executions[$"deposit/{ids[k]}"], 1, 2);
        }
    }

    [Fact]
    public async Task Entities_KilledInTheMiddleOfTheirOperations_CountEveryCallExactlyOnce()
    {
        const int workflows = 100;
        var db = TestSilo.NewDatabasePath();
        var log = Path.Combine(Path.GetDirectoryName(db)!, "executions.log");
        Directory.CreateDirectory(Path.GetDirectoryName(db)!);
        var tally = new EntityId(nameof(CrashTally), "shared");
        using (var child = StartCrashHost(db, log, workflows, "--entities"))
        {
            // Killed with the tally part-way: some calls answered, others queued at the entity or on their way to it.
            await WaitFor(() => CountHistory(db, tally.InstanceId) >= 30, child, TimeSpan.FromSeconds(90));
            child.Kill();
            await child.WaitForExitAsync();
        }

        Assert.True(CountFinished(db, "tally-%") < workflows, "Every workflow finished before the kill; the test proves nothing.");
        await using var silo = await TestSilo.StartAsync(db, register: b => b.AddCrashWorkflows(log));
        var answers = new List<int>();
        for (var k = 0; k < workflows; k++)
        {
            // Those the host had not started yet start now; the others resume on their own.
            await silo.Client.StartAsync(nameof(CrashTallyWorkflow), k, new StartWorkflowOptions { InstanceId = $"tally-{k:D3}", IfExists = InstanceIdReusePolicy.ReturnExisting });
            var status = await silo.Client.WaitForCompletionAsync($"tally-{k:D3}", TimeSpan.FromSeconds(60));
            Assert.Equal(WorkflowRuntimeStatus.Completed, status.RuntimeStatus);
            answers.AddRange(status.ReadOutput<int[]>()!);
        }

        // Each of the 200 additions ran once: the tally is 200, and each call got the tally after its own addition.
        Assert.Equal(5 * workflows, (await silo.Client.GetEntityStateAsync<int>(tally)).State);
        Assert.Equal(Enumerable.Range(1, 5 * workflows), answers.Order());
    }

    [Fact]
    public async Task Namespaces_KilledMidFlight_FinishTheirOwnInstances_UnderTheSameIds_NeitherLostNorDoubled()
    {
        const int parents = 40; // in each of the two namespaces, under the same ids
        const string tenant = "tenant";
        var db = TestSilo.NewDatabasePath();
        var log = Path.Combine(Path.GetDirectoryName(db)!, "executions.log");
        Directory.CreateDirectory(Path.GetDirectoryName(db)!);
        using (var child = StartCrashHost(db, log, parents, "--composite", "--namespace", tenant))
        {
            // Killed once every instance is started with its event (the host prints STARTED then) and retries have begun.
            var started = false;
            child.OutputDataReceived += (_, e) => started |= e.Data == "STARTED";
            await WaitFor(() => Volatile.Read(ref started) && ExecutionLog.Read(log).Count(l => l.StartsWith($"flaky/{tenant}:", StringComparison.Ordinal)) >= 1,
                child, TimeSpan.FromSeconds(90));
            child.Kill();
            await child.WaitForExitAsync();
        }

        Assert.True(CountFinished(db, $"{tenant}/composite-___") < parents, "Every parent in the namespace finished before the kill; the test proves nothing.");
        await using var silo = await TestSilo.StartAsync(db, options: o => o.Namespaces[tenant] = new NamespaceOptions(), register: b => b.AddCrashWorkflows(log));
        var clients = new[] { silo.Client, silo.Services.GetRequiredService<IWorkflowClientFactory>().ForNamespace(tenant) };
        var executions = new Dictionary<string, int>();
        foreach (var client in clients)
        {
            var scope = client == silo.Client ? "" : tenant + ":";
            for (var k = 0; k < parents; k++)
            {
                var id = $"composite-{k:D3}";
                var status = await client.WaitForCompletionAsync(id, TimeSpan.FromSeconds(60));
                Assert.Equal(CrashComposite.Expected(k), status.ReadOutput<long>());
                var history = (await client.GetStatusAsync(id, includeHistory: true))!.History!;
                Assert.Single(history, e => e is ChildWorkflowScheduled);
                Assert.Single(history, e => e is EventRaised);
                var child = (await client.GetStatusAsync($"{id}:0", includeHistory: true))!;
                Assert.Equal(id, child.ParentInstanceId);
                AssertNoStepRecordedTwice(child);
                executions = ExecutionLog.Read(log).GroupBy(l => l).ToDictionary(g => g.Key, g => g.Count());
                Assert.InRange(executions[$"flaky/{scope}{id}"], 2, 3);
            }
        }

        Assert.Equal(2 * parents, CountFinished(db, "composite-___") + CountFinished(db, $"{tenant}/composite-___"));
        Assert.All(executions.Where(e => !e.Key.StartsWith("flaky/", StringComparison.Ordinal)), e => Assert.True(e.Value <= 2, $"{e.Key} ran {e.Value} times."));
        Assert.Equal(2 * parents * StepsPerInstance, executions.Keys.Count(k => !k.StartsWith("flaky/", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task LongWaits_OfCollectedInstances_FireAfterAKill_FromTheirTimerBucketsAlone()
    {
        const int naps = 60;
        var db = TestSilo.NewDatabasePath();
        var log = Path.Combine(Path.GetDirectoryName(db)!, "executions.log");
        Directory.CreateDirectory(Path.GetDirectoryName(db)!);
        using (var child = StartCrashHost(db, log, naps, "--long-waits"))
        {
            // Killed once every instance waits collected: its owner released, its wait carried by a bucket's reminder.
            var collected = false;
            child.OutputDataReceived += (_, e) => collected |= e.Data == "COLLECTED";
            await WaitFor(() => Volatile.Read(ref collected), child, TimeSpan.FromSeconds(60));
            child.Kill();
            await child.WaitForExitAsync();
        }

        Assert.Equal(naps, CountRows(db, "SELECT count(*) FROM instances WHERE instance_id LIKE $value AND owner IS NULL AND status = 1", "nap-%"));
        Assert.True(CountRows(db, "SELECT count(*) FROM reminders WHERE grain_id LIKE $value", "%timerbucket%") >= 1);
        Assert.Equal(0, CountRows(db, "SELECT count(*) FROM reminders WHERE grain_id LIKE $value", "%nap-%"));
        Assert.Empty(ExecutionLog.Read(log));

        // Recovery would find nothing to wake (no owner is dead, and nothing is overdue by its half hour): only the buckets'
        // reminders, read back from the store, can end these waits.
        await using var silo = await TestSilo.StartAsync(db, options: o => (o.RecoveryInterval, o.ReminderThreshold) = (TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(1)),
            register: b => b.AddCrashWorkflows(log));
        for (var k = 0; k < naps; k++)
        {
            var status = await silo.Client.WaitForCompletionAsync($"nap-{k:D3}", TimeSpan.FromSeconds(120));
            Assert.Equal((long)k * k, status.ReadOutput<long>());
            Assert.Single(status.History ?? (await silo.Client.GetStatusAsync($"nap-{k:D3}", includeHistory: true))!.History!, e => e is TimerFired);
        }

        var executions = ExecutionLog.Read(log).GroupBy(l => l).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(naps, executions.Count);
        Assert.All(executions, e => Assert.Equal(1, e.Value));
        await Eventually.WaitUntil(() => Task.FromResult(CountRows(db, "SELECT count(*) FROM reminders WHERE grain_id LIKE $value", "%timerbucket%") == 0), TimeSpan.FromSeconds(30));
    }

    /// <summary>Records when the silo turns active: the moment it is ready, and recovery starts.</summary>
    private sealed class ActiveStageClock : ILifecycleParticipant<ISiloLifecycle>
    {
        public long Timestamp { get; private set; }

        public void Participate(ISiloLifecycle lifecycle) =>
            lifecycle.Subscribe<ActiveStageClock>(ServiceLifecycleStage.Active, _ =>
            {
                Timestamp = Stopwatch.GetTimestamp();
                return Task.CompletedTask;
            });
    }

    private static void AssertNoStepRecordedTwice(WorkflowStatus status)
    {
        var history = status.History!;
        Assert.Single(history, e => e is WorkflowStarted);
        Assert.Single(history, e => e is WorkflowCompleted);
        var scheduled = history.OfType<ActivityScheduled>().Select(e => e.StepId).ToList();
        var completed = history.OfType<ActivityCompleted>().Select(e => e.StepId).ToList();
        Assert.Equal(StepsPerInstance, scheduled.Count);
        Assert.Equal(scheduled.Count, scheduled.Distinct().Count());
        Assert.Equal(completed.Count, completed.Distinct().Count());
        Assert.Equal(scheduled.Order(), completed.Order());
    }

    private static Process StartCrashHost(string db, string log, int instances = Instances, params string[] extra)
    {
        var hostDll = Path.Combine(AppContext.BaseDirectory, "Baton.CrashHost.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { hostDll, "--db", db, "--log", log, "--instances", instances.ToString(System.Globalization.CultureInfo.InvariantCulture) }.Concat(extra))
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Waits for the condition; if the wait fails in any way, the crash host is killed rather than left running.</summary>
    private static async Task WaitFor(Func<bool> condition, Process child, TimeSpan timeout)
    {
        try
        {
            var deadline = DateTime.UtcNow + timeout;
            while (!condition())
            {
                if (child.HasExited)
                {
                    throw new InvalidOperationException($"The crash host exited early with code {child.ExitCode}.");
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException("The crash host made no progress in time.");
                }

                await Task.Delay(10);
            }
        }
        catch
        {
            if (!child.HasExited)
            {
                child.Kill();
            }

            throw;
        }
    }

    private static int CountInstances(string db, string idPattern) =>
        CountRows(db, "SELECT count(*) FROM instances WHERE instance_id LIKE $value", idPattern);

    private static int CountHistory(string db, string instanceId) =>
        CountRows(db, "SELECT count(*) FROM history h JOIN instances i ON i.number = h.instance_number WHERE i.instance_id = $value", instanceId);

    /// <summary>A count read from the crash host's file; 0 while the host has not created its store (or its schema) yet.</summary>
    private static int CountRows(string db, string sql, string value)
    {
        try
        {
            using var connection = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.Parameters.AddWithValue("$value", value);
            return (int)(long)command.ExecuteScalar()!;
        }
        catch (SqliteException)
        {
            return 0;
        }
    }

    private static long CountFinished(string db, string idPattern = "%")
    {
        using var connection = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM instances WHERE status = 2 AND instance_id LIKE $pattern";
        command.Parameters.AddWithValue("$pattern", idPattern);
        return (long)command.ExecuteScalar()!;
    }
}
