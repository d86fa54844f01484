using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static Baton.Api.Tests.Http;

namespace Baton.Api.Tests;

public sealed class WebhookDeliveryTests
{
    private const string Secret = "webhook-secret-for-tests";
    private const int Instances = 10;

    [Fact]
    public async Task ApiKilledMidDelivery_EveryStatusChangeIsStillDeliveredSignedAndInOrder()
    {
        var data = Path.Combine(Path.GetTempPath(), "baton-api-tests", Guid.NewGuid().ToString("N"));
        // The first delivery fails (a retry with backoff follows); the sixth is held open until the API is killed.
        await using var receiver = await WebhookReceiver.StartAsync(Secret, failRequest: 1, holdRequest: 6);
        string[] args = ["--urls", "http://127.0.0.1:0", $"--Baton:DataDirectory={data}",
            $"--Baton:Api:Webhooks:0:Url={receiver.Url}", $"--Baton:Api:Webhooks:0:Secret={Secret}"];
        try
        {
            using (var first = ApiProcess.Start(args))
            {
                using var http = new HttpClient { BaseAddress = await first.ListeningAsync(TimeSpan.FromSeconds(60)) };
                for (var i = 0; i < Instances; i++)
                {
                    var started = await http.PostAsync($"{Prefix}/orchestrators/SquareSum/hook-{i}?timeout=30", Json("2"));
                    Assert.Equal(HttpStatusCode.OK, started.StatusCode);
                }

                await receiver.HoldReached.Task.WaitAsync(TimeSpan.FromSeconds(60));
                first.Kill();
            }

            var beforeRestart = receiver.Deliveries.Count;
            Assert.True(beforeRestart < Instances * 3, "Every change was delivered before the kill; the test proves nothing.");
            receiver.Release();

            using var second = ApiProcess.Start(args);
            await second.ListeningAsync(TimeSpan.FromSeconds(60));
            await WaitUntil(() => receiver.Deliveries.Select(d => (d.InstanceId, d.Status)).Distinct().Count() == Instances * 3, TimeSpan.FromSeconds(60));

            var deliveries = receiver.Deliveries;
            Assert.All(deliveries, d => Assert.True(d.SignatureValid, $"Delivery of event {d.EventId} has a bad signature."));
            for (var i = 0; i < Instances; i++)
            {
                var mine = deliveries.Where(d => d.InstanceId == $"hook-{i}").DistinctBy(d => d.EventId).OrderBy(d => d.EventId).Select(d => d.Status);
                Assert.Equal(["Pending", "Running", "Completed"], mine);
            }

            // At least once: a re-sent event is the same event (same id, same body), never a different one under an old id.
            Assert.All(deliveries.GroupBy(d => d.EventId), g => Assert.Single(g.Select(d => d.Body).Distinct()));
            Assert.Equal(deliveries.Select(d => d.EventId).Order(), deliveries.Select(d => d.EventId));
        }
        finally
        {
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
            }
        }
    }

    [Fact]
    public async Task AWebhookThatListsNamespaces_ReceivesOnlyTheirChanges()
    {
        await using var labOnly = await WebhookReceiver.StartAsync(Secret, failRequest: 0, holdRequest: 0);
        await using var every = await WebhookReceiver.StartAsync(Secret, failRequest: 0, holdRequest: 0);
        await using var api = new SettingsApiFactory(new Dictionary<string, string>
        {
            ["Baton:Namespaces:lab:Workflows:0"] = "SquareSum",
            ["Baton:Api:Webhooks:0:Url"] = labOnly.Url.ToString(),
            ["Baton:Api:Webhooks:0:Secret"] = Secret,
            ["Baton:Api:Webhooks:0:Namespaces:0"] = "Lab",
            ["Baton:Api:Webhooks:1:Url"] = every.Url.ToString(),
            ["Baton:Api:Webhooks:1:Secret"] = Secret,
        });
        var http = api.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync($"{Prefix}/orchestrators/SquareSum/hooked?timeout=30", Json("2"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync($"{Prefix}/orchestrators/SquareSum/hooked?taskHub=lab&timeout=30", Json("3"))).StatusCode);

        await WaitUntil(() => every.Deliveries.Count(d => d.Status == "Completed") == 2, TimeSpan.FromSeconds(30));
        await WaitUntil(() => labOnly.Deliveries.Any(d => d.Status == "Completed"), TimeSpan.FromSeconds(30));
        string Namespace(WebhookReceiver.Delivery d) => JsonDocument.Parse(d.Body).RootElement.GetProperty("namespace").GetString()!;
        Assert.Equal(["lab", "lab", "lab"], labOnly.Deliveries.Select(Namespace));
        Assert.Equal(["default", "lab"], every.Deliveries.Where(d => d.Status == "Completed").Select(Namespace).Order());
        Assert.All(every.Deliveries.Concat(labOnly.Deliveries), d => Assert.Equal("hooked", d.InstanceId));
    }

    /// <summary>The API in memory with the given settings.</summary>
    private sealed class SettingsApiFactory(IReadOnlyDictionary<string, string> settings) : BatonApiFactory
    {
        protected override IReadOnlyDictionary<string, string> Settings => settings;
    }

    private static async Task WaitUntil(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition was not met in time.");
            await Task.Delay(50);
        }
    }
}
