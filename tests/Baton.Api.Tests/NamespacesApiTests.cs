using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Baton.Api.Access;
using static Baton.Api.Tests.Http;

namespace Baton.Api.Tests;

/// <summary>Two namespaces beside the default one, and API keys that open one, all or only the default namespace.</summary>
public sealed class NamespacedApiFactory : BatonApiFactory
{
    public const string BillingKey = "billing-key-0123456789abcdef";
    public const string AdminKey = "admin-key-0123456789abcdef";
    public const string DefaultKey = "default-key-0123456789abcdef";

    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Baton:Namespaces:billing:Workflows:0"] = "SquareSum",
        ["Baton:Namespaces:billing:Workflows:1"] = "WaitsForGo",
        ["Baton:Namespaces:lab:Workflows:0"] = "SquareSum",
        ["Baton:Namespaces:lab:ActivityLimits:Square:MaxConcurrent"] = "2",
        ["Baton:QueueLimits:gpu:PerSecond"] = "5",
        ["Baton:Api:Access:ApiKeys:0:Name"] = "billing",
        ["Baton:Api:Access:ApiKeys:0:Hash"] = ApiKeyHash.Compute(BillingKey),
        ["Baton:Api:Access:ApiKeys:0:Role"] = "Operator",
        ["Baton:Api:Access:ApiKeys:0:Namespaces:0"] = "Billing",
        ["Baton:Api:Access:ApiKeys:1:Name"] = "admin",
        ["Baton:Api:Access:ApiKeys:1:Hash"] = ApiKeyHash.Compute(AdminKey),
        ["Baton:Api:Access:ApiKeys:1:Role"] = "Operator",
        ["Baton:Api:Access:ApiKeys:1:Namespaces:0"] = "*",
        ["Baton:Api:Access:ApiKeys:2:Name"] = "default",
        ["Baton:Api:Access:ApiKeys:2:Hash"] = ApiKeyHash.Compute(DefaultKey),
        ["Baton:Api:Access:ApiKeys:2:Role"] = "Operator",
    };
}

public sealed class NamespacesApiTests(NamespacedApiFactory factory) : IClassFixture<NamespacedApiFactory>
{
    private HttpClient WithKey(string key)
    {
        var http = factory.CreateClient();
        http.DefaultRequestHeaders.Add("X-Api-Key", key);
        return http;
    }

    [Fact]
    public async Task TheTaskHubParameter_PicksTheNamespace_AndTheUrisItHandsOutKeepIt()
    {
        var http = WithKey(NamespacedApiFactory.AdminKey);
        var inBilling = await http.PostAsync($"{Prefix}/orchestrators/SquareSum/twin?taskHub=billing&timeout=20", Json("3"));
        Assert.Equal(HttpStatusCode.OK, inBilling.StatusCode);
        var started = await http.PostAsync($"{Prefix}/orchestrators/SquareSum/twin", Json("2"));
        var uris = await started.Content.ReadFromJsonAsync<JsonElement>();
        Assert.EndsWith("/instances/twin?taskHub=Baton&connection=Storage", uris.GetProperty("statusQueryGetUri").GetString());
        var inDefault = await WaitFinishedAsync(http, "twin");

        var billing = await (await http.GetAsync($"{Prefix}/instances/twin?taskHub=BILLING")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((14, 5), (billing.GetProperty("output").GetInt32(), inDefault.GetProperty("output").GetInt32()));
        Assert.Equal("twin", billing.GetProperty("instanceId").GetString());

        var accepted = await http.PostAsync($"{Prefix}/orchestrators/WaitsForGo/gate?taskHub=billing", Json("\"x\""));
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.EndsWith("/instances/gate?taskHub=billing&connection=Storage", accepted.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"{Prefix}/instances/gate")).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsync($"{Prefix}/instances/gate/raiseEvent/go?taskHub=billing", Json("\"go\""))).StatusCode);

        var listed = await (await http.GetAsync($"{Prefix}/instances?taskHub=billing")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["gate", "twin"], listed.EnumerateArray().Select(s => s.GetProperty("instanceId").GetString()).Order());
        var catalog = await (await http.GetAsync("/api/workflows?taskHub=billing")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["SquareSum", "WaitsForGo"], catalog.EnumerateArray().Select(w => w.GetProperty("name").GetString()));
        Assert.Equal(["default", "billing", "lab"], (await http.GetFromJsonAsync<string[]>("/api/dashboard/namespaces"))!);
    }

    [Fact]
    public async Task AnUnknownNamespace_OrAWorkflowItDoesNotRun_IsAProblem_AndChangesNothing()
    {
        var http = WithKey(NamespacedApiFactory.AdminKey);
        await AssertProblemAsync(await http.GetAsync($"{Prefix}/instances?taskHub=nope"), HttpStatusCode.NotFound, "no namespace 'nope'", nameof(NamespaceNotFoundException));
        await AssertProblemAsync(await http.PostAsync($"{Prefix}/orchestrators/SquareSum/x?taskHub=no%2Fpe", Json("1")), HttpStatusCode.BadRequest, "namespace name");
        await AssertProblemAsync(await http.PostAsync($"{Prefix}/orchestrators/WaitsForGo/not-here?taskHub=lab", Json("\"x\"")),
            HttpStatusCode.NotFound, "WaitsForGo", nameof(WorkflowNotRegisteredException));
        await AssertProblemAsync(await http.PostAsync("/api/workflows/WaitsForGo?instanceId=not-here&taskHub=lab", Json("\"x\"")),
            HttpStatusCode.NotFound, "WaitsForGo", nameof(WorkflowNotRegisteredException));
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"{Prefix}/instances/not-here?taskHub=lab")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"{Prefix}/instances/x")).StatusCode);
    }

    [Fact]
    public async Task AKey_OpensOnlyItsNamespaces()
    {
        var billing = WithKey(NamespacedApiFactory.BillingKey);
        Assert.Equal(HttpStatusCode.OK, (await billing.GetAsync($"{Prefix}/instances?taskHub=billing")).StatusCode);
        await AssertProblemAsync(await billing.GetAsync($"{Prefix}/instances"), HttpStatusCode.Forbidden, "namespace 'default'", nameof(NamespaceAccessDeniedException));
        await AssertProblemAsync(await billing.PostAsync($"{Prefix}/orchestrators/SquareSum/sneak?taskHub=lab", Json("1")), HttpStatusCode.Forbidden, "namespace 'lab'");
        Assert.Equal(HttpStatusCode.Forbidden, (await billing.GetAsync("/api/events?taskHub=lab")).StatusCode);
        Assert.Equal(["billing"], (await billing.GetFromJsonAsync<string[]>("/api/dashboard/namespaces"))!);

        var plain = WithKey(NamespacedApiFactory.DefaultKey);
        Assert.Equal(HttpStatusCode.OK, (await plain.GetAsync($"{Prefix}/instances")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await plain.GetAsync($"{Prefix}/instances?taskHub=billing")).StatusCode);

        var admin = WithKey(NamespacedApiFactory.AdminKey);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"{Prefix}/instances/sneak?taskHub=lab")).StatusCode);
    }

    [Fact]
    public async Task TheLimitsRoute_ShowsEachNamespacesOwnLimits()
    {
        var http = WithKey(NamespacedApiFactory.AdminKey);
        var lab = await (await http.GetAsync("/api/limits?taskHub=lab")).Content.ReadFromJsonAsync<JsonElement>();
        var square = Assert.Single(lab.EnumerateArray());
        Assert.Equal(("activity", "Square", 2, 0, 0), (square.GetProperty("kind").GetString(), square.GetProperty("name").GetString(),
            square.GetProperty("maxConcurrent").GetInt32(), square.GetProperty("running").GetInt32(), square.GetProperty("waiting").GetInt32()));
        var byDefault = Assert.Single((await (await http.GetAsync("/api/limits")).Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray());
        Assert.Equal(("queue", "gpu", 5.0), (byDefault.GetProperty("kind").GetString(), byDefault.GetProperty("name").GetString(), byDefault.GetProperty("perSecond").GetDouble()));
        Assert.Empty((await (await http.GetAsync("/api/limits?taskHub=billing")).Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray());
        Assert.Equal(HttpStatusCode.Forbidden, (await WithKey(NamespacedApiFactory.BillingKey).GetAsync("/api/limits?taskHub=lab")).StatusCode);
    }

    [Fact]
    public async Task TheEventStream_CarriesOnlyItsNamespacesChanges()
    {
        var http = WithKey(NamespacedApiFactory.AdminKey);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var stream = await EventsApiTests.OpenAsync(http, "/api/events?taskHub=lab", timeout.Token);
        await http.PostAsync($"{Prefix}/orchestrators/SquareSum/sse-ns?timeout=20", Json("1"));
        await http.PostAsync($"{Prefix}/orchestrators/SquareSum/sse-ns?taskHub=lab&timeout=20", Json("2"));

        var events = await EventsApiTests.ReadUntilAsync(stream, e => e.Data.GetProperty("runtimeStatus").GetString() == "Completed", timeout.Token);
        Assert.All(events, e => Assert.Equal(("sse-ns", "lab"), (e.Data.GetProperty("instanceId").GetString(), e.Data.GetProperty("namespace").GetString())));
        Assert.Equal(["Pending", "Running", "Completed"], events.Select(e => e.Data.GetProperty("runtimeStatus").GetString()));
    }
}
