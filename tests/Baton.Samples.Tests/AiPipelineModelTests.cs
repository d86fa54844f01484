using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Baton.TestingHost;

namespace Baton.Samples.Tests;

/// <summary>
/// The pipeline sample on models, through the real SDK clients (Azure.AI.OpenAI, and the OpenAI SDK), against an
/// OpenAI-compatible server on loopback that checks what it receives: paths and deployment names, credentials, batch
/// sizes, and a 429 with Retry-After waited out.
/// </summary>
public sealed class AiPipelineModelTests
{
    private const string Prefix = AiPipelineSampleTests.Prefix;
    private const string Answer = "New employees get 25 days of paid vacation in their first year, prorated by the month they join [1].";

    [Theory]
    [InlineData("OpenAI")]
    [InlineData("AzureOpenAI")]
    public async Task IngestionAndAnswers_GoThroughTheConfiguredProvider_InBatches_AndWaitOutA429(string provider)
    {
        await using var model = await FakeOpenAI.StartAsync(Answer, throttle: 0, throttleEmbeddings: 1);
        var data = SampleData.NewFolder("baton-pipeline-model");
        var port = LoopbackPorts.Next();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var azure = provider == "AzureOpenAI";
        using var sample = SampleProcess.Start("Baton.Samples.AiPipeline",
            $"--port={port}", $"--Orleans:SiloPort={LoopbackPorts.Next()}", $"--Baton:DataDirectory={data}", "--ingest=false",
            $"--AiPipeline:Model:Provider={provider}", $"--AiPipeline:Model:Endpoint={(azure ? model.Root : model.Endpoint)}",
            "--AiPipeline:Model:ApiKey=test-key", "--AiPipeline:Model:EmbeddingModel=embed-model", "--AiPipeline:Model:ChatModel=chat-model");
        try
        {
            await sample.WaitUntilHealthyAsync(http, "/health", TimeSpan.FromSeconds(90));
            Assert.Contains($"models: {provider}", sample.Output);

            var ingest = await http.PostAsJsonAsync("/api/workflows/IngestDocuments?instanceId=ingest", new { folder = "documents", batchSize = 4, maxParallel = 2 });
            Assert.Equal(HttpStatusCode.Accepted, ingest.StatusCode);
            var report = (await FinishedAsync(http, "ingest", sample)).GetProperty("output");
            var chunks = report.GetProperty("chunks").GetInt32();
            Assert.Equal((chunks + 3) / 4, report.GetProperty("batches").GetInt32());

            var embeddingsPath = azure ? "/openai/deployments/embed-model/embeddings" : "/v1/embeddings";
            var embeddings = model.Requests.ToArray();
            Assert.All(embeddings, r => AssertSentTo(r, embeddingsPath, azure, "embed-model"));
            Assert.All(embeddings, r => Assert.InRange(r.Inputs.Count, 1, 4));
            // One request per batch, and the throttled one once more, after the Retry-After it was given.
            Assert.Equal(report.GetProperty("batches").GetInt32() + 1, embeddings.Length);
            var throttled = Assert.Single(embeddings, r => r.Throttled);
            var retry = Assert.Single(embeddings, r => !r.Throttled && r.Inputs.SequenceEqual(throttled.Inputs));
            Assert.True(retry.At - throttled.At >= TimeSpan.FromMilliseconds(900), $"the retry came {retry.At - throttled.At} after a 429 with Retry-After: 1");
            Assert.Equal(chunks, embeddings.Where(r => !r.Throttled).Sum(r => r.Inputs.Count));

            var started = await http.PostAsJsonAsync("/api/pipeline/start", new { question = "How many vacation days do new employees get?", top_k = 3 });
            var id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instance_id").GetString()!;
            var output = (await FinishedAsync(http, id, sample)).GetProperty("output");

            Assert.Equal(Answer, output.GetProperty("answer").GetString());
            Assert.Equal("chat-model", output.GetProperty("answeredBy").GetString());
            Assert.Equal("vacation.md", output.GetProperty("sources")[0].GetProperty("document").GetString());
            var asked = model.Requests.Skip(embeddings.Length).ToArray();
            Assert.Equal(2, asked.Length); // the question's embedding, then the answer
            AssertSentTo(asked[0], embeddingsPath, azure, "embed-model");
            Assert.Equal(["How many vacation days do new employees get?"], asked[0].Inputs);
            AssertSentTo(asked[1], azure ? "/openai/deployments/chat-model/chat/completions" : "/v1/chat/completions", azure, "chat-model");
            // The prompt carries the text of the chunks that the remote embeddings found.
            Assert.Contains("Every employee of Northwind Robotics receives 25 days of paid vacation", asked[1].Prompt);
            Assert.Contains("How many vacation days do new employees get?", asked[1].Prompt);
        }
        finally
        {
            sample.Dispose();
            SampleData.Delete(data);
        }
    }

    [Fact]
    public async Task AnIngestionKilledMidway_IsFinishedByTheRestartedNode_WithoutRedoingWhatWasDone()
    {
        await using var model = await FakeOpenAI.StartAsync(Answer, throttle: 0);
        model.EmbeddingsLatency = TimeSpan.FromMilliseconds(300);
        var data = SampleData.NewFolder("baton-pipeline-kill");
        var port = LoopbackPorts.Next();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        SampleProcess Start() => SampleProcess.Start("Baton.Samples.AiPipeline",
            $"--port={port}", $"--Orleans:SiloPort={LoopbackPorts.Next()}", $"--Baton:DataDirectory={data}", "--ingest=false",
            $"--AiPipeline:Model:Endpoint={model.Endpoint}", "--AiPipeline:Model:ApiKey=test-key");
        var first = Start();
        SampleProcess? second = null;
        try
        {
            await first.WaitUntilHealthyAsync(http, "/health", TimeSpan.FromSeconds(90));
            var ingest = await http.PostAsJsonAsync("/api/workflows/IngestDocuments?instanceId=ingest", new { folder = "documents", batchSize = 1, maxParallel = 1 });
            Assert.Equal(HttpStatusCode.Accepted, ingest.StatusCode);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (model.Requests.Count < 4)
            {
                Assert.True(DateTime.UtcNow < deadline, $"the ingestion never got to its fourth batch:\n{first.Output}");
                await Task.Delay(20);
            }

            first.Dispose(); // SIGKILL, in the middle of the batches
            var beforeTheKill = model.Requests.Count;
            second = Start();
            await second.WaitUntilHealthyAsync(http, "/health", TimeSpan.FromSeconds(90));
            var report = (await FinishedAsync(http, "ingest", second)).GetProperty("output");

            var chunks = report.GetProperty("chunks").GetInt32();
            Assert.Equal(chunks, report.GetProperty("batches").GetInt32());
            Assert.True(beforeTheKill < chunks, $"the kill came after every batch had been sent ({beforeTheKill} of {chunks})");
            var texts = model.Requests.Select(r => Assert.Single(r.Inputs)).ToList();
            Assert.Equal(chunks, texts.Distinct().Count()); // every chunk embedded
            Assert.InRange(texts.Count - chunks, 0, 1); // and again only the one batch that was in flight at the kill
            var history = await http.GetFromJsonAsync<JsonElement>($"{Prefix}/instances/ingest?showHistory=true");
            var events = history.GetProperty("historyEvents").EnumerateArray().ToList();
            Assert.Single(events, e => e.GetProperty("type").GetString() == "workflowStarted");
            Assert.Equal(6, events.Count(e => e.GetProperty("type").GetString() == "activityScheduled" && e.GetProperty("name").GetString() == "ChunkDocument"));

            var started = await http.PostAsJsonAsync("/api/pipeline/start", new { question = "How fast does an NR-7 robot drive?" });
            var id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instance_id").GetString()!;
            var output = (await FinishedAsync(http, id, second)).GetProperty("output");
            Assert.Equal("robots.md", output.GetProperty("sources")[0].GetProperty("document").GetString());
        }
        finally
        {
            first.Dispose();
            second?.Dispose();
            SampleData.Delete(data);
        }
    }

    private static void AssertSentTo(FakeOpenAI.Request request, string path, bool azure, string model)
    {
        Assert.Equal(path, request.Path);
        if (azure)
        {
            Assert.Equal("test-key", request.ApiKey);
            Assert.Contains("api-version=", request.Query);
        }
        else
        {
            Assert.Equal("Bearer test-key", request.Authorization);
            Assert.Equal(model, request.Body.GetProperty("model").GetString());
        }
    }

    private static async Task<JsonElement> FinishedAsync(HttpClient http, string id, SampleProcess sample)
    {
        var status = await http.GetFromJsonAsync<JsonElement>($"{Prefix}/instances/{id}?waitSeconds=60");
        Assert.True(status.GetProperty("runtimeStatus").GetString() == "Completed", $"{id}: {status}\n{sample.Output}");
        return status;
    }
}
