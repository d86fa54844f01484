using System.Net;
using System.Text.Json;
using static Baton.Api.Tests.Http;

namespace Baton.Api.Tests;

public sealed class CallbacksApiTests : IClassFixture<BatonApiFactory>
{
    private readonly HttpClient _http;

    public CallbacksApiTests(BatonApiFactory factory) => _http = factory.CreateClient();

    [Fact]
    public async Task Complete_WithTheSignedToken_FinishesTheWorkflow_AndAUsedTokenAnswers410()
    {
        var token = await StartAndReadTokenAsync("cb-complete");

        var response = await _http.PostAsync($"{Prefix}/callbacks/{Uri.EscapeDataString(token)}/complete", Json("\"approved\""));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("approved", (await WaitFinishedAsync(_http, "cb-complete")).GetProperty("output").GetString());
        await AssertProblemAsync(await _http.PostAsync($"{Prefix}/callbacks/{Uri.EscapeDataString(token)}/complete", Json("\"again\"")),
            HttpStatusCode.Gone, "cb-complete", nameof(CallbackNotPendingException));
    }

    [Fact]
    public async Task Fail_WithTheSignedToken_FailsTheWorkflowWithTheMessage()
    {
        var token = await StartAndReadTokenAsync("cb-fail");

        Assert.Equal(HttpStatusCode.Accepted, (await _http.PostAsync($"{Prefix}/callbacks/{Uri.EscapeDataString(token)}/heartbeat", null)).StatusCode);
        await AssertProblemAsync(await _http.PostAsync($"{Prefix}/callbacks/{Uri.EscapeDataString(token)}/fail", Json("{}")), HttpStatusCode.BadRequest, "error");
        await AssertProblemAsync(await _http.PostAsync($"{Prefix}/callbacks/{Uri.EscapeDataString(token)}/fail", Json("{\"error\":42}")), HttpStatusCode.BadRequest, "error");
        await AssertProblemAsync(await _http.PostAsync($"{Prefix}/callbacks/{Uri.EscapeDataString(token)}/fail", Json("[1]")), HttpStatusCode.BadRequest, "error");
        var response = await _http.PostAsync($"{Prefix}/callbacks/{Uri.EscapeDataString(token)}/fail", Json("""{"error":"card declined"}"""));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var status = await WaitFinishedAsync(_http, "cb-fail");
        Assert.Equal("Failed", status.GetProperty("runtimeStatus").GetString());
        var message = status.GetProperty("failureDetails").GetProperty("message").GetString();
        Assert.Contains("card declined", message);
        Assert.Equal(message, status.GetProperty("output").GetString()); // the failure message as output, as Durable Functions gives it
    }

    [Fact]
    public async Task Complete_WithAnAlteredToken_Answers403AndChangesNothing()
    {
        var token = await StartAndReadTokenAsync("cb-forged");
        var altered = token[..^2] + (token[^2] == 'A' ? "B" : "A") + token[^1];

        await AssertProblemAsync(await _http.PostAsync($"{Prefix}/callbacks/{Uri.EscapeDataString(altered)}/complete", Json("\"x\"")),
            HttpStatusCode.Forbidden, "not valid", nameof(InvalidCallbackTokenException));
        await AssertProblemAsync(await _http.PostAsync($"{Prefix}/callbacks/garbage/complete", Json("\"x\"")), HttpStatusCode.Forbidden, "not valid");

        var status = await _http.GetAsync($"{Prefix}/instances/cb-forged");
        Assert.Equal(HttpStatusCode.Accepted, status.StatusCode);
    }

    private async Task<string> StartAndReadTokenAsync(string instanceId)
    {
        await _http.PostAsync($"{Prefix}/orchestrators/AwaitsCallback/{instanceId}", Json("\"x\""));
        var status = await WaitForStatusAsync(_http, instanceId, s => s.GetProperty("customStatus").ValueKind == JsonValueKind.String);
        return status.GetProperty("customStatus").GetString()!;
    }
}
