using Baton.Grains.Registry;
using Baton.Samples;
using Baton.TestingHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Baton.Silo.Tests;

/// <summary>
/// Namespaces on one store and cluster: the same ids are different instances in each, and listings, counts, purges,
/// children, entities, callbacks, schedules, limits and the workflows a namespace runs never cross from one to another.
/// </summary>
public sealed class NamespaceTests
{
    private static void TwoTenants(BatonOptions options)
    {
        options.Namespaces["Tenant-A"] = new NamespaceOptions();
        options.Namespaces["tenant-b"] = new NamespaceOptions { Workflows = [nameof(EchoWorkflow), nameof(ParentWorkflow)] };
    }

    private static Task<TestSilo> StartAsync(Action<BatonOptions>? more = null, Action<Silo.Hosting.BatonBuilder>? register = null) =>
        TestSilo.StartAsync(options: o => { TwoTenants(o); more?.Invoke(o); }, register: b => { b.AddWorkflow<NamespaceProbe>().AddActivity<NamespaceProbeActivity>(); register?.Invoke(b); });

    private static IWorkflowClient In(TestSilo silo, string space) => silo.Services.GetRequiredService<IWorkflowClientFactory>().ForNamespace(space);

    [Fact]
    public async Task TheSameId_IsADifferentInstanceInEachNamespace_AndListsCountsAndPurgesStayInTheirs()
    {
        await using var silo = await StartAsync();
        var a = In(silo, "tenant-a");
        Assert.Same(a, In(silo, "TENANT-A"));

        Assert.Equal("same", await silo.Client.StartAsync(nameof(EchoWorkflow), "in default", new StartWorkflowOptions { InstanceId = "same" }));
        Assert.Equal("same", await a.StartAsync(nameof(EchoWorkflow), "in a", new StartWorkflowOptions { InstanceId = "same" }));
        await a.StartAsync(nameof(EchoWorkflow), "only in a", new StartWorkflowOptions { InstanceId = "a-only" });
        Assert.Equal("in default", (await silo.Client.WaitForCompletionAsync("same", Eventually.Timeout)).ReadOutput<string>());
        var inA = await a.WaitForCompletionAsync("same", Eventually.Timeout);
        Assert.Equal(("same", "in a"), (inA.InstanceId, inA.ReadOutput<string>()));
        await a.WaitForCompletionAsync("a-only", Eventually.Timeout);

        // What the instance knows itself by, in the workflow and in its activities: its id and its namespace.
        Assert.Equal("tenant-a:where|tenant-a:where", (await a.WaitForCompletionAsync(await a.StartAsync(nameof(NamespaceProbe), null, new StartWorkflowOptions { InstanceId = "where" }), Eventually.Timeout)).ReadOutput<string>());
        Assert.Null(await silo.Client.GetStatusAsync("a-only"));
        Assert.Null(await silo.Client.GetStatusAsync("where"));

        var listedInA = (await a.ListAsync(new WorkflowQuery())).Items.Select(s => s.InstanceId).Order().ToArray();
        Assert.Equal(["a-only", "same", "where"], listedInA);
        Assert.Equal(["same"], (await silo.Client.ListAsync(new WorkflowQuery { InstanceIdPrefix = "" })).Items.Select(s => s.InstanceId));
        Assert.Equal(["a-only"], (await a.ListAsync(new WorkflowQuery { InstanceIdPrefix = "a-" })).Items.Select(s => s.InstanceId));
        Assert.Equal(3, (await a.CountByStatusAsync(new WorkflowQuery()))[WorkflowRuntimeStatus.Completed]);
        Assert.Equal(1, (await silo.Client.CountByStatusAsync(new WorkflowQuery()))[WorkflowRuntimeStatus.Completed]);

        // Paging goes through a namespace's own instances.
        var page = await a.ListAsync(new WorkflowQuery { PageSize = 2, OldestFirst = true });
        var rest = await a.ListAsync(new WorkflowQuery { PageSize = 2, OldestFirst = true, ContinuationToken = page.ContinuationToken });
        Assert.Equal(["same", "a-only", "where"], page.Items.Concat(rest.Items).Select(s => s.InstanceId));

        Assert.Equal(3, await a.PurgeAsync(new PurgeQuery()));
        Assert.NotNull(await silo.Client.GetStatusAsync("same"));
        Assert.Empty((await a.ListAsync(new WorkflowQuery())).Items);
    }

    [Fact]
    public async Task ChildrenEntitiesAndCallbacks_StayInTheNamespaceOfTheirInstance()
    {
        await using var silo = await StartAsync();
        var a = In(silo, "tenant-a");
        var parent = await a.StartAsync(nameof(ParentWorkflow), new[] { 2, 3 }, new StartWorkflowOptions { InstanceId = "parent" });
        Assert.Equal("sum 13", (await a.WaitForCompletionAsync(parent, Eventually.Timeout)).ReadOutput<string>());
        var children = (await a.ListAsync(new WorkflowQuery { Name = nameof(SquareChild) })).Items;
        Assert.Equal(2, children.Count);
        Assert.All(children, c => Assert.Equal("parent", c.ParentInstanceId));
        Assert.All(children, c => Assert.StartsWith("parent:", c.InstanceId, StringComparison.Ordinal));
        Assert.Empty((await silo.Client.ListAsync(new WorkflowQuery { Name = nameof(SquareChild) })).Items);

        // An entity a workflow calls lives in the workflow's namespace; the default namespace's entity of that key is another.
        await a.WaitForCompletionAsync(await a.StartAsync(nameof(DepositTwice), "shared"), Eventually.Timeout);
        var account = new EntityId(nameof(Account), "shared");
        await Eventually.WaitUntil(async () => (await a.GetEntityStateAsync<int>(account)).State == 3);
        Assert.False((await silo.Client.GetEntityStateAsync<int>(account)).Exists);
        await a.SignalEntityAsync(account, "deposit", 10);
        await Eventually.WaitUntil(async () => (await a.GetEntityStateAsync<int>(account)).State == 13);

        // A callback's token names its instance: settled through any namespace's client, it reaches the instance it was made for.
        var waiting = await a.StartAsync(nameof(CallbackWorkflow), new CallbackRequest(0, 0), new StartWorkflowOptions { InstanceId = "pay" });
        string? token = null;
        await Eventually.WaitUntil(async () => (token = (await a.GetStatusAsync(waiting))?.ReadCustomStatus<TokenStatus>()?.Token) is not null);
        await silo.Client.CompleteCallbackAsync(token!, "42");
        Assert.Equal("paid 42", (await a.WaitForCompletionAsync(waiting, Eventually.Timeout)).ReadOutput<string>());
    }

    [Fact]
    public async Task ANamespace_RunsOnlyTheWorkflowsItLists_AndAnUndeclaredOneIsRefused()
    {
        await using var silo = await StartAsync();
        var b = In(silo, "tenant-b");
        var refused = await Assert.ThrowsAsync<WorkflowNotRegisteredException>(() => b.StartAsync(nameof(GreetingChain), new[] { "Lima" }));
        Assert.Equal(nameof(GreetingChain), refused.WorkflowName);
        Assert.Empty((await b.ListAsync(new WorkflowQuery())).Items);

        // A listed workflow that starts a child the namespace does not run fails at that call, not elsewhere.
        var parent = await b.StartAsync(nameof(ParentWorkflow), new[] { 1 }, new StartWorkflowOptions { IfExists = InstanceIdReusePolicy.Fail });
        var status = await b.WaitForCompletionAsync(parent, Eventually.Timeout);
        Assert.Equal(WorkflowRuntimeStatus.Failed, status.RuntimeStatus);
        Assert.Contains(nameof(SquareChild), status.Failure!.Message, StringComparison.Ordinal);

        var factory = silo.Services.GetRequiredService<IWorkflowClientFactory>();
        Assert.Equal("nope", Assert.Throws<NamespaceNotFoundException>(() => factory.ForNamespace("nope")).Namespace);
        Assert.Throws<ArgumentException>(() => factory.ForNamespace("a/b"));
        Assert.Same(silo.Client, factory.ForNamespace(null));
        Assert.Same(silo.Client, factory.ForNamespace(WorkflowNamespaces.Default));
    }

    [Fact]
    public void NamespaceOptions_AreCheckedAtStart()
    {
        var registry = new WorkflowRegistry().AddWorkflow(typeof(EchoWorkflow));
        var options = new BatonOptions();
        options.Namespaces["billing"] = new NamespaceOptions { Workflows = [nameof(EchoWorkflow), "Missing"] };
        Assert.Equal(["billing: Missing"], new NamespaceCatalog(registry, Options.Create(options)).UnknownWorkflows());

        foreach (var bad in new[] { "default", "1st", "has space", new string('n', 51) })
        {
            var invalid = new BatonOptions();
            invalid.Namespaces[bad] = new NamespaceOptions();
            Assert.Contains("Namespaces", Assert.Throws<InvalidOperationException>(invalid.Validate).Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ANamespacesLimit_BindsItsOwnActivities_AndNotTheSameActivityElsewhere()
    {
        var run = Guid.NewGuid().ToString("N");
        await using var silo = await StartAsync(
            o => o.Namespaces["Tenant-A"].ActivityLimits[nameof(TimedPing)] = new ActivityLimit { MaxConcurrent = 1 },
            b => b.AddWorkflow<PingFanOut>().AddActivity<TimedPing>());
        var a = In(silo, "tenant-a");
        var limited = await a.StartAsync(nameof(PingFanOut), new PingPlan(run + "-a", 4, 300));
        var free = await silo.Client.StartAsync(nameof(PingFanOut), new PingPlan(run + "-d", 4, 300));

        // What operators see of it (GET /api/limits, the dashboard): one running, the others in line.
        var limit = Assert.Single(silo.Services.GetRequiredService<NamespaceCatalog>().Limits("tenant-a"));
        Assert.Equal((nameof(TimedPing), 1), (limit.Name, limit.Limit.MaxConcurrent));
        var limiter = silo.Grains.GetGrain<Baton.Grains.IActivityLimiterGrain>(limit.Key);
        await Eventually.WaitUntil(async () => await limiter.GetUsageAsync() is { Running: 1, Waiting: >= 1 });
        Assert.Empty(silo.Services.GetRequiredService<NamespaceCatalog>().Limits(WorkflowNamespaces.Default));
        await a.WaitForCompletionAsync(limited, Eventually.Timeout);
        await silo.Client.WaitForCompletionAsync(free, Eventually.Timeout);

        Assert.Equal(1, MostAtOnce(TimedPing.Runs(run + "-a")));
        Assert.True(MostAtOnce(TimedPing.Runs(run + "-d")) > 1, "the default namespace's pings are not limited");
    }

    [Fact]
    public async Task ASchedule_StartsItsRunsInItsOwnNamespace()
    {
        await using var silo = await StartAsync();
        var a = In(silo, "tenant-a");
        var schedules = new ScheduleClient(a);
        await schedules.CreateAsync("hourly", new ScheduleSpec
        {
            Workflow = nameof(EchoWorkflow),
            Input = System.Text.Json.JsonSerializer.SerializeToElement("scheduled"),
            Interval = TimeSpan.FromHours(1),
        });
        await schedules.TriggerAsync("hourly");
        string? run = null;
        await Eventually.WaitUntil(async () => (run = (await schedules.GetAsync("hourly"))?.RecentRuns.FirstOrDefault()) is not null);
        Assert.Equal("scheduled", (await a.WaitForCompletionAsync(run!, Eventually.Timeout)).ReadOutput<string>());
        Assert.Null(await silo.Client.GetStatusAsync(run!));
        Assert.Empty(await new ScheduleClient(silo.Client).ListAsync());
    }

    private static int MostAtOnce(IReadOnlyList<TimedPing.Execution> runs)
    {
        var spans = runs.Select(r => (r.Start, End: r.End!.Value)).ToList();
        return spans.Max(i => spans.Count(j => j.Start <= i.Start && j.End > i.Start));
    }
}

/// <summary>Reports where it runs, as the workflow and as its activity see it: "{namespace}:{id}|{namespace}:{id}".</summary>
public sealed class NamespaceProbe : Workflow<string?, string>
{
    public override async Task<string> RunAsync(IWorkflowContext context, string? input) =>
        $"{context.Namespace}:{context.InstanceId}|{await context.CallActivityAsync<string>(nameof(NamespaceProbeActivity))}";
}

/// <summary>The namespace and instance id its caller has.</summary>
public sealed class NamespaceProbeActivity : Activity<string?, string>
{
    public override Task<string> RunAsync(ActivityContext context, string? input) => Task.FromResult($"{context.Namespace}:{context.InstanceId}");
}
