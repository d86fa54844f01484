using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static Baton.Api.Tests.Http;

namespace Baton.Api.Tests;

public sealed class InstanceControlApiTests : IClassFixture<BatonApiFactory>
{
    private readonly HttpClient _http;

    public InstanceControlApiTests(BatonApiFactory factory) => _http = factory.CreateClient();

    [Fact]
    public async Task RaiseEvent_RunningInstance_Answers202AndTheWorkflowTakesIt()
    {
        await _http.PostAsync($"{Prefix}/orchestrators/WaitsForGo/ctl-raise", Json("\"in\""));

        var response = await _http.PostAsync($"{Prefix}/instances/ctl-raise/raiseEvent/go", Json("\"now\""));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("in:now", (await WaitFinishedAsync(_http, "ctl-raise")).GetProperty("output").GetString());
    }

    [Fact]
    public async Task RaiseEvent_FinishedInstance_Answers410_UnknownAnswers404_BadJsonAnswers400()
    {
        await _http.PostAsync($"{Prefix}/orchestrators/SquareSum/ctl-raise-done?timeout=20", Json("1"));

        await AssertProblemAsync(await _http.PostAsync($"{Prefix}/instances/ctl-raise-done/raiseEvent/go", Json("1")), HttpStatusCode.Gone, "ctl-raise-done", nameof(InvalidInstanceStateException));
        await AssertProblemAsync(await _http.PostAsync($"{Prefix}/instances/ctl-nobody/raiseEvent/go", Json("1")), HttpStatusCode.NotFound, "ctl-nobody");
        await AssertProblemAsync(await _http.PostAsync($"{Prefix}/instances/ctl-raise-done/raiseEvent/go", Json("{")), HttpStatusCode.BadRequest, "JSON");
    }

    [Fact]
    public async Task RaiseEvent_NameTooLongOrInvisible_Answers400AndStoresNothing()
    {
        await _http.PostAsync($"{Prefix}/orchestrators/WaitsForGo/ctl-raise-name", Json("\"in\""));

        await AssertProblemAsync(await _http.PostAsync($"{Prefix}/instances/ctl-raise-name/raiseEvent/{new string('e', 257)}", Json("1")), HttpStatusCode.BadRequest, "257");
        await AssertProblemAsync(await _http.PostAsync($"{Prefix}/instances/ctl-raise-name/raiseEvent/go%E2%80%8B", Json("1")), HttpStatusCode.BadRequest, "U+200B");
        await AssertProblemAsync(await _http.GetAsync($"{Prefix}/instances?customStatus={new string('s', 5000)}"), HttpStatusCode.BadRequest, "custom status");

        var history = (await _http.GetFromJsonAsync<JsonElement>($"{Prefix}/instances/ctl-raise-name?showHistory=true")).GetProperty("historyEvents");
        Assert.DoesNotContain(history.EnumerateArray(), e => e.GetProperty("type").GetString() == "eventRaised");
        Assert.Contains(history.EnumerateArray(), e => e.GetProperty("type").GetString() == "workflowStarted");
    }

    [Fact]
    public async Task Terminate_RunningInstance_EndsTerminatedWithReason_SecondTerminateAnswers410()
    {
        await _http.PostAsync($"{Prefix}/orchestrators/WaitsForGo/ctl-term", Json("\"x\""));

        Assert.Equal(HttpStatusCode.Accepted, (await _http.PostAsync($"{Prefix}/instances/ctl-term/terminate?reason=no%20longer%20needed", null)).StatusCode);

        var status = await WaitFinishedAsync(_http, "ctl-term");
        Assert.Equal("Terminated", status.GetProperty("runtimeStatus").GetString());
        Assert.Equal("no longer needed", status.GetProperty("statusReason").GetString());
        Assert.Equal("no longer needed", status.GetProperty("output").GetString()); // as Durable Functions gives it
        await AssertProblemAsync(await _http.PostAsync($"{Prefix}/instances/ctl-term/terminate", null), HttpStatusCode.Gone, "ctl-term");
    }

    [Fact]
    public async Task SuspendResume_HoldTheEventUntilResumed_RepeatsAnswer202_AndFinishedAnswers410()
    {
        await _http.PostAsync($"{Prefix}/orchestrators/WaitsForGo/ctl-suspend", Json("\"s\""));
        await WaitForStatusAsync(_http, "ctl-suspend", s => s.GetProperty("runtimeStatus").GetString() == "Running");

        Assert.Equal(HttpStatusCode.Accepted, (await _http.PostAsync($"{Prefix}/instances/ctl-suspend/suspend?reason=maintenance", null)).StatusCode);
        await WaitForStatusAsync(_http, "ctl-suspend", s => s.GetProperty("runtimeStatus").GetString() == "Suspended");
        Assert.Equal(HttpStatusCode.Accepted, (await _http.PostAsync($"{Prefix}/instances/ctl-suspend/suspend", null)).StatusCode); // as Durable Functions: no change

        await _http.PostAsync($"{Prefix}/instances/ctl-suspend/raiseEvent/go", Json("\"later\""));
        Assert.Equal("Suspended", (await _http.GetFromJsonAsync<JsonElement>($"{Prefix}/instances/ctl-suspend")).GetProperty("runtimeStatus").GetString());

        Assert.Equal(HttpStatusCode.Accepted, (await _http.PostAsync($"{Prefix}/instances/ctl-suspend/resume", null)).StatusCode);
        Assert.Equal("s:later", (await WaitFinishedAsync(_http, "ctl-suspend")).GetProperty("output").GetString());
        await AssertProblemAsync(await _http.PostAsync($"{Prefix}/instances/ctl-suspend/resume", null), HttpStatusCode.Gone, "ctl-suspend");
    }

    [Fact]
    public async Task Restart_FinishedInstance_WithNewId_StartsACopy_AndRunningUnderSameIdAnswers409()
    {
        await _http.PostAsync($"{Prefix}/orchestrators/SquareSum/ctl-restart?timeout=20", Json("3"));

        var response = await _http.PostAsync($"{Prefix}/instances/ctl-restart/restart?restartWithNewInstanceId=true", null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var newId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        Assert.NotEqual("ctl-restart", newId);
        Assert.Equal(14, (await WaitFinishedAsync(_http, newId)).GetProperty("output").GetInt32());

        await _http.PostAsync($"{Prefix}/orchestrators/WaitsForGo/ctl-restart-running", Json("\"r\""));
        await AssertProblemAsync(await _http.PostAsync($"{Prefix}/instances/ctl-restart-running/restart", null), HttpStatusCode.Conflict, "ctl-restart-running");
    }

    [Fact]
    public async Task Rewind_FailedInstance_RunsAgainFromTheFailure_AndRunningAnswers412()
    {
        FailUntilFixed.Fixed = false;
        await _http.PostAsync($"{Prefix}/orchestrators/FailsUntilFixed/ctl-rewind?timeout=20", Json("\"boom\""));
        var failed = await WaitFinishedAsync(_http, "ctl-rewind");
        Assert.Equal("Failed", failed.GetProperty("runtimeStatus").GetString());
        Assert.Contains("boom", failed.GetProperty("failureDetails").GetProperty("message").GetString());

        FailUntilFixed.Fixed = true;
        Assert.Equal(HttpStatusCode.Accepted, (await _http.PostAsync($"{Prefix}/instances/ctl-rewind/rewind?reason=fixed", null)).StatusCode);

        var rewound = await WaitForStatusAsync(_http, "ctl-rewind", s => s.GetProperty("runtimeStatus").GetString() == "Completed");
        Assert.Equal("fixed boom", rewound.GetProperty("output").GetString());

        await _http.PostAsync($"{Prefix}/orchestrators/WaitsForGo/ctl-rewind-running", Json("\"r\""));
        await AssertProblemAsync(await _http.PostAsync($"{Prefix}/instances/ctl-rewind-running/rewind", null), HttpStatusCode.PreconditionFailed, "failed");
    }

    [Fact]
    public async Task ARefusedRewind_IsTextOnlyForACallerThatAsksForTextAndNotProblems_AndNoOtherRouteIs()
    {
        await _http.PostAsync($"{Prefix}/orchestrators/WaitsForGo/ctl-rewind-text", Json("\"r\""));

        // The Durable Functions clients accept text/plain and not problem details, and make a refused rewind's body their message.
        var text = await SendAsync(HttpMethod.Post, $"{Prefix}/instances/ctl-rewind-text/rewind", "application/json, text/plain, */*");
        Assert.Equal(HttpStatusCode.PreconditionFailed, text.StatusCode);
        Assert.Equal("text/plain", text.Content.Headers.ContentType?.MediaType);
        Assert.Contains("failed", await text.Content.ReadAsStringAsync());
        Assert.Equal(nameof(InvalidInstanceStateException), text.Headers.GetValues("X-Baton-Error-Code").Single());

        // Asked for problem details, it gets them; and an event named "rewind" is not a rewind.
        await AssertProblemAsync(await SendAsync(HttpMethod.Post, $"{Prefix}/instances/ctl-rewind-text/rewind", "application/problem+json, text/plain"), HttpStatusCode.PreconditionFailed, "failed");
        await AssertProblemAsync(await SendAsync(HttpMethod.Post, $"{Prefix}/instances/ctl-nobody/raiseEvent/rewind", "application/json, text/plain, */*", Json("1")), HttpStatusCode.NotFound, "ctl-nobody");
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string uri, string accept, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, uri) { Content = content };
        request.Headers.TryAddWithoutValidation("Accept", accept);
        return _http.SendAsync(request);
    }
}
