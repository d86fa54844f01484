using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Baton.Api.Tests;

public sealed class InstancesApiTests : IClassFixture<BatonApiFactory>
{
    private const string Prefix = "/runtime/webhooks/durabletask";
    private readonly HttpClient _http;

    public InstancesApiTests(BatonApiFactory factory) => _http = factory.CreateClient();

    [Fact]
    public async Task Health_AfterStart_ReportsHealthyWithPartitions()
    {
        var response = await _http.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("healthy", body.GetProperty("status").GetString());
        Assert.Equal(16, body.GetProperty("partitions").GetArrayLength());
    }

    [Fact]
    public async Task Start_KnownWorkflow_Answers202WithLocation_ThenStatusCompletes()
    {
        var response = await _http.PostAsync($"{Prefix}/orchestrators/GreetingChain/api-chain-1", Json("[\"Oslo\"]"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.EndsWith($"{Prefix}/instances/api-chain-1", response.Headers.Location!.ToString());
        var started = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("api-chain-1", started.GetProperty("id").GetString());

        var status = await PollUntilFinished(response.Headers.Location!);
        Assert.Equal("Completed", status.GetProperty("runtimeStatus").GetString());
        Assert.Equal("Hello, Oslo!", JsonDocument.Parse(status.GetProperty("output").GetString()!).RootElement.GetString());
    }

    [Fact]
    public async Task Get_RunningInstance_Answers202WithRetryAfter()
    {
        await _http.PostAsync($"{Prefix}/orchestrators/Reminder/api-later", Json("{\"message\":\"m\",\"delaySeconds\":3600}"));

        var response = await _http.GetAsync($"{Prefix}/instances/api-later?showHistory=true");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("1", response.Headers.GetValues("Retry-After").Single());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Running", body.GetProperty("runtimeStatus").GetString());
        Assert.Equal("timerCreated", body.GetProperty("history")[1].GetProperty("type").GetString());
    }

    [Fact]
    public async Task Start_UnknownWorkflow_Answers404ProblemDetails()
    {
        var response = await _http.PostAsync($"{Prefix}/orchestrators/NoSuchWorkflow", Json("1"));

        await AssertProblem(response, HttpStatusCode.NotFound, "NoSuchWorkflow");
    }

    [Fact]
    public async Task Start_MalformedJson_Answers400ProblemDetails()
    {
        var response = await _http.PostAsync($"{Prefix}/orchestrators/SquareSum/api-bad-json", Json("{not json"));

        await AssertProblem(response, HttpStatusCode.BadRequest, "not valid JSON");
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync($"{Prefix}/instances/api-bad-json")).StatusCode);
    }

    [Fact]
    public async Task Start_InputOfWrongType_Answers400ProblemDetails()
    {
        var response = await _http.PostAsync($"{Prefix}/orchestrators/SquareSum/api-bad-input", Json("\"ten\""));

        await AssertProblem(response, HttpStatusCode.BadRequest, "Int32");
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync($"{Prefix}/instances/api-bad-input")).StatusCode);
    }

    [Fact]
    public async Task Start_IdWithControlCharacter_Answers400ProblemDetails()
    {
        var response = await _http.PostAsync($"{Prefix}/orchestrators/SquareSum/bad%0Aid", Json("1"));

        await AssertProblem(response, HttpStatusCode.BadRequest, "control character");
    }

    [Fact]
    public async Task Get_UnknownInstance_Answers404ProblemDetails()
    {
        var response = await _http.GetAsync($"{Prefix}/instances/nobody-here");

        await AssertProblem(response, HttpStatusCode.NotFound, "nobody-here");
    }

    private async Task<JsonElement> PollUntilFinished(Uri location)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var response = await _http.GetAsync(location);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return await response.Content.ReadFromJsonAsync<JsonElement>();
            }

            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            Assert.True(DateTime.UtcNow < deadline, "The instance did not finish in time.");
            await Task.Delay(20);
        }
    }

    private static async Task AssertProblem(HttpResponseMessage response, HttpStatusCode expected, string detailContains)
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.Contains(detailContains, problem.GetProperty("detail").GetString());
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
