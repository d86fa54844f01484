using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Baton.Samples.AiOrders;
using Baton.TestingHost;

namespace Baton.Samples.Tests;

/// <summary>
/// samples/OrderApproval end to end, as its README runs it: the sample's host as a process of its own (a Baton node on
/// SQLite with the workflow, its simulated shop and its webhook receiver), driven over HTTP through every route an order
/// can take: straight through, reviewed and approved, escalated, rejected by risk or by a reviewer, and compensated.
/// </summary>
public sealed class OrderApprovalSampleTests(OrderApprovalSampleTests.Node node) : IClassFixture<OrderApprovalSampleTests.Node>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private const string Prefix = "/runtime/webhooks/durabletask";

    [Fact]
    public async Task ALowRiskOrder_GoesStraightThrough()
    {
        var status = await node.RunAsync(Order("low-1", amount: 50, previousOrders: 5));

        Assert.Equal(new[] { "fulfilled", "ship-low-1" }, Outcome(status));
        Assert.Equal(["reserved low-1", "charged low-1", "shipped low-1"], await node.JournalAsync("low-1"));
    }

    [Fact]
    public async Task AMiddleRiskOrder_WaitsForAReviewer_ThroughItsCallbackToken_AndRetriesATransientPaymentFailure()
    {
        await node.StartAsync(Order("mid-1", amount: 2500, previousOrders: 1, card: "tok_flaky"));
        var waiting = await node.WaitForStageAsync("mid-1", "awaiting-review");
        Assert.Equal(60, waiting.GetProperty("risk").GetProperty("score").GetInt32());

        await node.CompleteAsync(waiting.GetProperty("token").GetString()!, new ReviewDecision(true, "bob"));

        Assert.Equal(new[] { "fulfilled", "ship-mid-1" }, Outcome(await node.FinishedAsync("mid-1")));
        Assert.Equal(["reserved mid-1", "charged mid-1", "shipped mid-1"], await node.JournalAsync("mid-1")); // charged once, after two timeouts
    }

    [Fact]
    public async Task AReviewNobodyAnswers_IsEscalated_AndTheEscalationReviewerDecides()
    {
        await node.StartAsync(Order("esc-1", amount: 2500, previousOrders: 1) with { ReviewTimeout = TimeSpan.FromSeconds(1) });
        var escalated = await node.WaitForStageAsync("esc-1", "escalated");

        await node.CompleteAsync(escalated.GetProperty("token").GetString()!, new ReviewDecision(false, "carol"));

        Assert.Equal(new[] { "rejected", "declined by carol" }, Outcome(await node.FinishedAsync("esc-1")));
        Assert.Empty(await node.JournalAsync("esc-1"));
    }

    [Fact]
    public async Task AHighRiskOrder_IsRejectedWithoutReview()
    {
        var status = await node.RunAsync(Order("high-1", amount: 20_000, previousOrders: 0));

        Assert.Equal("rejected", Outcome(status)[0]);
        Assert.StartsWith("risk 95", Outcome(status)[1]);
        Assert.Empty(await node.JournalAsync("high-1"));
    }

    [Fact]
    public async Task ADeclinedCard_IsNotRetried_AndTheReservationIsReleased()
    {
        var status = await node.RunAsync(Order("declined-1", amount: 50, previousOrders: 5, card: "tok_declined"));

        Assert.Equal("compensated", Outcome(status)[0]);
        Assert.Equal(["ReleaseStock"], status.GetProperty("output").GetProperty("compensated").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["reserved declined-1", "released declined-1"], await node.JournalAsync("declined-1"));
        var history = await node.HistoryAsync("declined-1");
        Assert.Single(history, e => e.GetProperty("type").GetString() == "activityScheduled" && e.GetProperty("name").GetString() == "ChargeCard");
    }

    [Fact]
    public async Task AShipmentThatFailsForGood_UndoesThePaymentAndTheReservation_NewestFirst()
    {
        var status = await node.RunAsync(Order("ship-1", amount: 50, previousOrders: 5, shipTo: "nowhere"));

        Assert.Equal("compensated", Outcome(status)[0]);
        Assert.Equal(["RefundCard", "ReleaseStock"], status.GetProperty("output").GetProperty("compensated").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["reserved ship-1", "charged ship-1", "refunded ship-1", "released ship-1"], await node.JournalAsync("ship-1"));
    }

    [Fact]
    public async Task TheWebhookReceiver_GetsTheStatusChanges_AndABadOrderIsRefused()
    {
        await node.RunAsync(Order("hook-1", amount: 50, previousOrders: 5));
        var refused = await node.Http.PostAsJsonAsync("/api/workflows/AiOrderApproval?instanceId=bad-1", Order("bad-1", amount: 0, previousOrders: 0));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await node.Http.GetAsync($"{Prefix}/instances/bad-1")).StatusCode);
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            var received = await node.Http.GetFromJsonAsync<JsonElement[]>("/receiver");
            var statuses = received!.Where(e => e.GetProperty("instanceId").GetString() == "hook-1").Select(e => e.GetProperty("runtimeStatus").GetString()).ToList();
            if (statuses.Contains("Completed"))
            {
                Assert.Equal(["Pending", "Running", "Completed"], statuses);
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, "the receiver never got hook-1's completion");
            await Task.Delay(100);
        }
    }

    private static ShopOrder Order(string id, decimal amount, int previousOrders, string card = "tok_visa", string shipTo = "Oslo") => new()
    {
        OrderId = id,
        CustomerEmail = "ann@example.com",
        PreviousOrders = previousOrders,
        Amount = amount,
        CardToken = card,
        ShipTo = shipTo,
    };

    private static string[] Outcome(JsonElement status) =>
        [status.GetProperty("output").GetProperty("outcome").GetString()!, status.GetProperty("output").GetProperty("detail").GetString()!];

    /// <summary>One sample host for the class, on ports and a data folder of its own.</summary>
    public sealed class Node : IAsyncLifetime
    {
        private readonly string _data = SampleData.NewFolder("baton-order-sample");
        private SampleProcess? _process;

        public HttpClient Http { get; } = new();

        public async Task InitializeAsync()
        {
            var port = LoopbackPorts.Next();
            Http.BaseAddress = new Uri($"http://127.0.0.1:{port}");
            _process = SampleProcess.Start("Baton.Samples.OrderApproval",
                $"--port={port}", $"--Orleans:SiloPort={LoopbackPorts.Next()}", $"--Baton:DataDirectory={_data}", "--Baton:PollInterval=00:00:00.200");
            await _process.WaitUntilHealthyAsync(Http, "/health", TimeSpan.FromSeconds(90));
        }

        public Task DisposeAsync()
        {
            _process?.Dispose();
            Http.Dispose();
            SampleData.Delete(_data);
            return Task.CompletedTask;
        }

        public async Task StartAsync(ShopOrder order)
        {
            var response = await Http.PostAsJsonAsync($"/api/workflows/AiOrderApproval?instanceId={order.OrderId}", order);
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        }

        public async Task<JsonElement> RunAsync(ShopOrder order)
        {
            await StartAsync(order);
            return await FinishedAsync(order.OrderId);
        }

        public async Task<JsonElement> StatusAsync(string id) => await Http.GetFromJsonAsync<JsonElement>($"{Prefix}/instances/{id}");

        public async Task<JsonElement> FinishedAsync(string id)
        {
            var status = await Http.GetFromJsonAsync<JsonElement>($"{Prefix}/instances/{id}?waitSeconds=60");
            Assert.Equal("Completed", status.GetProperty("runtimeStatus").GetString());
            return status;
        }

        /// <summary>Waits until the instance's custom status is at <paramref name="stage"/>, and returns it.</summary>
        public async Task<JsonElement> WaitForStageAsync(string id, string stage)
        {
            var deadline = DateTime.UtcNow + Wait;
            while (true)
            {
                var custom = (await StatusAsync(id)).GetProperty("customStatus");
                if (custom.ValueKind == JsonValueKind.Object && custom.GetProperty("stage").GetString() == stage)
                {
                    return custom;
                }

                Assert.True(DateTime.UtcNow < deadline, $"{id} never reached {stage}; it is at {custom}");
                await Task.Delay(100);
            }
        }

        public async Task CompleteAsync(string token, ReviewDecision decision)
        {
            var response = await Http.PostAsJsonAsync($"{Prefix}/callbacks/{token}/complete", decision);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        public async Task<string[]> JournalAsync(string orderId) =>
            [.. (await Http.GetFromJsonAsync<string[]>("/shop"))!.Where(entry => entry.EndsWith(" " + orderId, StringComparison.Ordinal))];

        public async Task<JsonElement[]> HistoryAsync(string id) =>
            [.. (await Http.GetFromJsonAsync<JsonElement>($"{Prefix}/instances/{id}?showHistory=true")).GetProperty("historyEvents").EnumerateArray()];
    }
}
