using System.Net.Http.Json;
using System.Text.Json;
using Baton.Samples.AiOrders;
using Baton.TestingHost;

namespace Baton.Samples.Tests;

/// <summary>
/// The order approval sample scoring with a model through the real OpenAI SDK client, against an OpenAI-compatible
/// server on loopback that checks what it receives and throttles the first request (429 with Retry-After).
/// </summary>
public sealed class OrderApprovalModelTests
{
    [Fact]
    public async Task TheRiskScore_ComesFromTheConfiguredModel_ThroughTheSdk_WhichWaitsOutA429()
    {
        await using var model = await FakeOpenAI.StartAsync("""{"score": 33, "reason": "a plausible order"}""", throttle: 1);
        var data = SampleData.NewFolder("baton-order-model");
        var port = LoopbackPorts.Next();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var sample = SampleProcess.Start("Baton.Samples.OrderApproval",
            $"--port={port}", $"--Orleans:SiloPort={LoopbackPorts.Next()}", $"--Baton:DataDirectory={data}",
            "--OrderApproval:Model:ApiKey=test-key", $"--OrderApproval:Model:Endpoint={model.Endpoint}", "--OrderApproval:Model:Model=risk-model");
        try
        {
            await sample.WaitUntilHealthyAsync(http, "/health", TimeSpan.FromSeconds(90));
            Assert.Contains("risk: scored by the configured model", sample.Output);

            var order = new ShopOrder { OrderId = "m-1", CustomerEmail = "ann@example.com", PreviousOrders = 9, Amount = 40m, CardToken = "tok_visa", ShipTo = "Oslo" };
            (await http.PostAsJsonAsync("/api/workflows/AiOrderApproval?instanceId=m-1", order)).EnsureSuccessStatusCode();

            // 33 is between the thresholds: the model's score sends the order to review, which the rules (5) would not.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            JsonElement custom;
            while (true)
            {
                custom = (await http.GetFromJsonAsync<JsonElement>("/runtime/webhooks/durabletask/instances/m-1")).GetProperty("customStatus");
                if (custom.ValueKind == JsonValueKind.Object && custom.GetProperty("stage").GetString() == "awaiting-review")
                {
                    break;
                }

                Assert.True(DateTime.UtcNow < deadline, $"m-1 never reached review; it is at {custom}\n{sample.Output}");
                await Task.Delay(100);
            }

            Assert.Equal(new RiskAssessment(33, "a plausible order", "risk-model"), custom.GetProperty("risk").Deserialize<RiskAssessment>(Baton.Serialization.BatonJson.Options));
            var requests = model.Requests.ToArray();
            Assert.Equal(2, requests.Length); // the 429, then its retry
            Assert.All(requests, r =>
            {
                Assert.Equal("/v1/chat/completions", r.Path);
                Assert.Equal("Bearer test-key", r.Authorization);
                Assert.Equal("risk-model", r.Body.GetProperty("model").GetString());
                Assert.Equal("json_object", r.Body.GetProperty("response_format").GetProperty("type").GetString());
                Assert.Contains("amount 40", r.Body.GetProperty("messages")[1].GetProperty("content").GetString());
            });
            Assert.True(requests[1].At - requests[0].At >= TimeSpan.FromMilliseconds(900), $"the retry came {requests[1].At - requests[0].At} after the 429's Retry-After of 1 s");
        }
        finally
        {
            sample.Dispose();
            SampleData.Delete(data);
        }
    }
}
