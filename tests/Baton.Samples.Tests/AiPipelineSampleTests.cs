using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Baton.TestingHost;

namespace Baton.Samples.Tests;

/// <summary>
/// samples/AiPipeline end to end and offline, as its README runs it without credentials: the sample's host as a process
/// of its own ingests the bundled documents on start, and answers questions through <c>POST /api/pipeline/start</c>.
/// </summary>
public sealed class AiPipelineSampleTests(AiPipelineSampleTests.Node node) : IClassFixture<AiPipelineSampleTests.Node>
{
    internal const string Prefix = "/runtime/webhooks/durabletask";

    [Fact]
    public async Task OnStart_ItSaysItIsOffline_AndIngestsEveryBundledDocument_ChunkByChunk()
    {
        Assert.Contains("models: offline", node.Process.Output);
        var ingestion = await node.FinishedAsync("ingest-documents");

        var report = ingestion.GetProperty("output");
        Assert.Equal(6, report.GetProperty("documents").GetInt32());
        Assert.True(report.GetProperty("chunks").GetInt32() > 6, $"every document is one chunk or more, and some several: {report}");
        var history = await node.HistoryAsync("ingest-documents");
        Assert.Equal(6, history.Count(e => e.GetProperty("type").GetString() == "activityScheduled" && e.GetProperty("name").GetString() == "ChunkDocument"));
        Assert.Equal(report.GetProperty("batches").GetInt32(), history.Count(e => e.GetProperty("type").GetString() == "activityScheduled" && e.GetProperty("name").GetString() == "EmbedChunks"));
    }

    [Fact]
    public async Task AQuestion_IsAnsweredFromTheDocumentThatHoldsTheAnswer_AndNoDocumentTextEntersTheHistoryBeforeTheAnswer()
    {
        await node.FinishedAsync("ingest-documents");

        var started = await node.Http.PostAsJsonAsync("/api/pipeline/start", new { question = "How many vacation days do new employees get?", top_k = 2 });

        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var body = await started.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["instance_id", "status_query_get_uri"], body.EnumerateObject().Select(p => p.Name));
        var id = body.GetProperty("instance_id").GetString()!;
        var statusUri = body.GetProperty("status_query_get_uri").GetString()!;
        Assert.Equal(statusUri, started.Headers.Location!.ToString());
        Assert.StartsWith($"{node.Http.BaseAddress!.ToString().TrimEnd('/')}{Prefix}/instances/{id}?", statusUri);

        var status = await node.Http.GetFromJsonAsync<JsonElement>(statusUri + "&waitSeconds=60");
        Assert.Equal("Completed", status.GetProperty("runtimeStatus").GetString());
        var output = status.GetProperty("output");
        Assert.Contains("25 days of paid vacation", output.GetProperty("answer").GetString());
        Assert.Equal("offline-extractive", output.GetProperty("answeredBy").GetString());
        var sources = output.GetProperty("sources").EnumerateArray().ToList();
        Assert.InRange(sources.Count, 1, 2);
        Assert.Equal("vacation.md", sources[0].GetProperty("document").GetString());

        // Every step before the answer passed references (a vector's key, chunk ids, scores), never a document's text.
        var history = await node.HistoryAsync(id);
        Assert.Equal(["EmbedQuestion", "SearchDocuments", "GenerateAnswer"],
            history.Where(e => e.GetProperty("type").GetString() == "activityScheduled").Select(e => e.GetProperty("name").GetString()));
        var beforeTheAnswer = history.TakeWhile(e => !(e.GetProperty("type").GetString() == "activityScheduled" && e.GetProperty("name").GetString() == "GenerateAnswer"));
        Assert.DoesNotContain("paid vacation", string.Join("\n", beforeTheAnswer.Select(e => e.GetRawText())));
    }

    [Fact]
    public async Task ABadQuestion_IsRefusedWithAProblemNamingEachField_AndStartsNothing()
    {
        var refusals = new[]
        {
            ("""{"top_k": 0}""", new[] { "question", "top_k" }),
            ("""{"question": "Why?", "top_k": "three"}""", new[] { "top_k" }),
            ("""{"question": "ab"}""", new[] { "question" }),
            ("""{"question": "Why?", "top_k": 21}""", new[] { "top_k" }),
        };
        foreach (var (json, fields) in refusals)
        {
            var response = await node.Http.PostAsync("/api/pipeline/start", new StringContent(json, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(fields, problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order());
        }

        foreach (var broken in new[] { """{"question": """, "" })
        {
            var response = await node.Http.PostAsync("/api/pipeline/start", new StringContent(broken, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        var questions = await node.Http.GetFromJsonAsync<JsonElement[]>($"{Prefix}/instances?name=AnswerQuestion&showInput=true");
        Assert.DoesNotContain(questions!, q => q.GetProperty("input").GetRawText().Contains("Why?", StringComparison.Ordinal) || q.GetProperty("input").GetRawText().Contains("\"ab\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheStartRoute_IsInTheOpenApiDocument_WithItsBodyAndAnswers()
    {
        var document = await node.Http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var start = document.GetProperty("paths").GetProperty("/api/pipeline/start").GetProperty("post");
        Assert.Equal(["202", "400", "401", "403", "413", "415", "503"], start.GetProperty("responses").EnumerateObject().Select(r => r.Name).Order());
        var schemaRef = start.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString()!;
        var schema = document.GetProperty("components").GetProperty("schemas").GetProperty(schemaRef.Split('/')[^1]);
        Assert.Equal(["question", "top_k"], schema.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order());
        var answer = start.GetProperty("responses").GetProperty("202").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString()!;
        Assert.Equal(["instance_id", "status_query_get_uri"],
            document.GetProperty("components").GetProperty("schemas").GetProperty(answer.Split('/')[^1]).GetProperty("properties").EnumerateObject().Select(p => p.Name).Order());
    }

    /// <summary>One offline sample host for the class, on ports and a data folder of its own.</summary>
    public sealed class Node : IAsyncLifetime
    {
        private readonly string _data = SampleData.NewFolder("baton-pipeline-sample");

        public HttpClient Http { get; } = new();

        public SampleProcess Process { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            var port = LoopbackPorts.Next();
            Http.BaseAddress = new Uri($"http://127.0.0.1:{port}");
            Process = SampleProcess.Start("Baton.Samples.AiPipeline", $"--port={port}", $"--Orleans:SiloPort={LoopbackPorts.Next()}", $"--Baton:DataDirectory={_data}");
            await Process.WaitUntilHealthyAsync(Http, "/health", TimeSpan.FromSeconds(90));
        }

        public Task DisposeAsync()
        {
            Process.Dispose();
            Http.Dispose();
            SampleData.Delete(_data);
            return Task.CompletedTask;
        }

        public async Task<JsonElement> FinishedAsync(string id)
        {
            var status = await Http.GetFromJsonAsync<JsonElement>($"{Prefix}/instances/{id}?waitSeconds=60");
            Assert.True(status.GetProperty("runtimeStatus").GetString() == "Completed", $"{id}: {status}\n{Process.Output}");
            return status;
        }

        public async Task<JsonElement[]> HistoryAsync(string id) =>
            [.. (await Http.GetFromJsonAsync<JsonElement>($"{Prefix}/instances/{id}?showHistory=true")).GetProperty("historyEvents").EnumerateArray()];
    }
}
