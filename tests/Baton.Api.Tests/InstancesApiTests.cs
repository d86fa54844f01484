using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static Baton.Api.Tests.Http;

namespace Baton.Api.Tests;

public sealed class InstancesApiTests : IClassFixture<BatonApiFactory>
{
    private readonly HttpClient _http;

    private readonly BatonApiFactory _factory;

    public InstancesApiTests(BatonApiFactory factory)
    {
        _factory = factory;
        _http = factory.CreateClient();
    }

    [Fact]
    public async Task Health_AfterStart_ReportsHealthyWithTheActiveSilo()
    {
        var response = await _http.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("healthy", body.GetProperty("status").GetString());
        Assert.Matches(@"^127\.0\.0\.1:\d+@\d+$", body.GetProperty("silo").GetString());
    }

    [Fact]
    public async Task Start_KnownWorkflow_Answers202WithManagementUris_ThenStatusCompletes()
    {
        var response = await _http.PostAsync($"{Prefix}/orchestrators/GreetingChain/api-chain-1", Json("[\"Oslo\"]"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        const string hub = "taskHub=Baton&connection=Storage";
        Assert.EndsWith($"{Prefix}/instances/api-chain-1?{hub}", response.Headers.Location!.ToString());
        var started = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("api-chain-1", started.GetProperty("id").GetString());

        // Durable Functions' shapes, so that its clients fill in the placeholders and append their own query values.
        var uris = new Dictionary<string, string>
        {
            ["statusQueryGetUri"] = $"/instances/api-chain-1?{hub}",
            ["sendEventPostUri"] = $"/instances/api-chain-1/raiseEvent/{{eventName}}?{hub}",
            ["terminatePostUri"] = $"/instances/api-chain-1/terminate?reason={{text}}&{hub}",
            ["suspendPostUri"] = $"/instances/api-chain-1/suspend?reason={{text}}&{hub}",
            ["resumePostUri"] = $"/instances/api-chain-1/resume?reason={{text}}&{hub}",
            ["restartPostUri"] = $"/instances/api-chain-1/restart?{hub}",
            ["rewindPostUri"] = $"/instances/api-chain-1/rewind?reason={{text}}&{hub}",
            ["purgeHistoryDeleteUri"] = $"/instances/api-chain-1?{hub}",
        };
        foreach (var (name, shape) in uris)
        {
            Assert.EndsWith(Prefix + shape, started.GetProperty(name).GetString());
        }

        var status = await WaitFinishedAsync(_http, "api-chain-1");
        Assert.Equal("Completed", status.GetProperty("runtimeStatus").GetString());
        Assert.Equal("Hello, Oslo!", status.GetProperty("output").GetString());
        Assert.Equal("Oslo", status.GetProperty("input")[0].GetString());
        Assert.Equal("GreetingChain", status.GetProperty("name").GetString());
        var withHistory = await _http.GetFromJsonAsync<JsonElement>(started.GetProperty("statusQueryGetUri").GetString() + "&showHistory=true");
        Assert.Equal("api-chain-1", withHistory.GetProperty("instanceId").GetString());
        Assert.True(withHistory.GetProperty("historyEvents").GetArrayLength() > 0);

        // The management URIs work as handed out: the restart URI, posted as given, runs the instance again.
        var restart = await _http.PostAsync(started.GetProperty("restartPostUri").GetString(), null);
        Assert.Equal(HttpStatusCode.Accepted, restart.StatusCode);
        Assert.Equal("Hello, Oslo!", (await WaitFinishedAsync(_http, "api-chain-1")).GetProperty("output").GetString());
        Assert.True(status.TryGetProperty("createdTime", out _) && status.TryGetProperty("lastUpdatedTime", out _));
    }

    [Fact]
    public async Task Start_WithTimeout_FinishingInTime_Answers200WithOutput()
    {
        var response = await _http.PostAsync($"{Prefix}/orchestrators/SquareSum/api-timeout-fast?timeout=20", Json("3"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var status = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Completed", status.GetProperty("runtimeStatus").GetString());
        Assert.Equal(14, status.GetProperty("output").GetInt32());
    }

    [Fact]
    public async Task Start_WithTimeout_NotFinishingInTime_Answers202()
    {
        var response = await _http.PostAsync($"{Prefix}/orchestrators/WaitsForGo/api-timeout-slow?timeout=0.3", Json("\"x\""));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.NotNull(response.Headers.Location);
    }

    [Fact]
    public async Task Start_OnAFinishedInstancesId_ReplacesIt_WithA202()
    {
        var first = await _http.PostAsync($"{Prefix}/orchestrators/SquareSum/api-reused?timeout=30", Json("2"));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        var again = await _http.PostAsync($"{Prefix}/orchestrators/SquareSum/api-reused", Json("3"));
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        var status = await WaitFinishedAsync(_http, "api-reused");
        Assert.Equal((14, 3), (status.GetProperty("output").GetInt32(), status.GetProperty("input").GetInt32()));
    }

    [Fact]
    public async Task Start_TakenId_Answers409_AndReturnExistingAnswers202()
    {
        Assert.Equal(HttpStatusCode.Accepted, (await _http.PostAsync($"{Prefix}/orchestrators/WaitsForGo/api-taken", Json("\"a\""))).StatusCode);

        var conflict = await _http.PostAsync($"{Prefix}/orchestrators/WaitsForGo/api-taken", Json("\"b\""));
        await AssertProblemAsync(conflict, HttpStatusCode.Conflict, "api-taken", nameof(InstanceAlreadyExistsException));

        var idempotent = await _http.PostAsync($"{Prefix}/orchestrators/WaitsForGo/api-taken?ifExists=returnExisting", Json("\"b\""));
        Assert.Equal(HttpStatusCode.Accepted, idempotent.StatusCode);
        var status = await (await _http.GetAsync($"{Prefix}/instances/api-taken")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("a", status.GetProperty("input").GetString());
    }

    [Fact]
    public async Task Get_RunningInstance_Answers202WithRetryAfter_AndHistoryOnRequest()
    {
        await _http.PostAsync($"{Prefix}/orchestrators/Reminder/api-later", Json("{\"message\":\"m\",\"delaySeconds\":3600}"));
        await WaitForStatusAsync(_http, "api-later", s => s.GetProperty("runtimeStatus").GetString() == "Running");

        var response = await _http.GetAsync($"{Prefix}/instances/api-later?showHistory=true&showInput=false");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("1", response.Headers.GetValues("Retry-After").Single());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Running", body.GetProperty("runtimeStatus").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("input").ValueKind);
        Assert.Equal("timerCreated", body.GetProperty("historyEvents")[1].GetProperty("type").GetString());
    }

    [Fact]
    public async Task List_FiltersByNamePrefixStatusAndCustomStatus_AndPagesWithContinuationHeader()
    {
        for (var i = 0; i < 5; i++)
        {
            await _http.PostAsync($"{Prefix}/orchestrators/SquareSum/api-list-{i}", Json("2"));
        }

        await _http.PostAsync($"{Prefix}/orchestrators/OrderApproval/api-list-order", Json("""{"customerEmail":"a@b.c","amount":5000,"lines":[{"sku":"x","quantity":1}]}"""));
        for (var i = 0; i < 5; i++)
        {
            await WaitFinishedAsync(_http, $"api-list-{i}");
        }

        await WaitForStatusAsync(_http, "api-list-order", s => s.GetProperty("customStatus").ValueKind == JsonValueKind.String);

        var seen = new List<string>();
        string? token = null;
        do
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{Prefix}/instances?instanceIdPrefix=api-list-&name=SquareSum&runtimeStatus=Completed,Failed&top=2");
            if (token is not null)
            {
                request.Headers.Add("x-ms-continuation-token", token);
            }

            var response = await _http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(page.GetArrayLength() <= 2);
            seen.AddRange(page.EnumerateArray().Select(s => s.GetProperty("instanceId").GetString()!));
            token = response.Headers.TryGetValues("x-ms-continuation-token", out var values) ? values.Single() : null;
        }
        while (token is not null);

        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"api-list-{i}").Order(), seen.Order());

        var byCustomStatus = await _http.GetFromJsonAsync<JsonElement>($"{Prefix}/instances?customStatus=awaiting-approval&instanceIdPrefix=api-list-");
        Assert.Equal("api-list-order", byCustomStatus.EnumerateArray().Single().GetProperty("instanceId").GetString());
    }

    [Fact]
    public async Task Counts_ByStatus_CountEachStatusWithinTheFilter()
    {
        await _http.PostAsync($"{Prefix}/orchestrators/SquareSum/api-count-1?timeout=20", Json("2"));
        await _http.PostAsync($"{Prefix}/orchestrators/SquareSum/api-count-2?timeout=20", Json("2"));
        await _http.PostAsync($"{Prefix}/orchestrators/WaitsForGo/api-count-3", Json("\"w\""));
        await WaitForStatusAsync(_http, "api-count-3", s => s.GetProperty("runtimeStatus").GetString() == "Running");

        var counts = await _http.GetFromJsonAsync<JsonElement>($"{Prefix}/counts?instanceIdPrefix=api-count-");

        Assert.Equal(3, counts.GetProperty("total").GetInt64());
        Assert.Equal(2, counts.GetProperty("byStatus").GetProperty("Completed").GetInt64());
        Assert.Equal(1, counts.GetProperty("byStatus").GetProperty("Running").GetInt64());
    }

    [Fact]
    public async Task Purge_OneAndByFilter_DeleteFinishedOnly()
    {
        await _http.PostAsync($"{Prefix}/orchestrators/SquareSum/api-purge-1?timeout=20", Json("1"));
        await _http.PostAsync($"{Prefix}/orchestrators/SquareSum/api-purge-2?timeout=20", Json("1"));
        await _http.PostAsync($"{Prefix}/orchestrators/SquareSum/api-purge-3?timeout=20", Json("1"));
        await _http.PostAsync($"{Prefix}/orchestrators/WaitsForGo/api-purge-running", Json("\"r\""));

        var one = await _http.DeleteAsync($"{Prefix}/instances/api-purge-1");
        Assert.Equal(1, (await one.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instancesDeleted").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync($"{Prefix}/instances/api-purge-1")).StatusCode);

        await AssertProblemAsync(await _http.DeleteAsync($"{Prefix}/instances/api-purge-running"), HttpStatusCode.PreconditionFailed, "api-purge-running", nameof(InvalidInstanceStateException));
        await AssertProblemAsync(await _http.DeleteAsync($"{Prefix}/instances/api-purge-nobody"), HttpStatusCode.NotFound, "api-purge-nobody", nameof(InstanceNotFoundException));

        var many = await _http.DeleteAsync($"{Prefix}/instances?instanceIdPrefix=api-purge-");
        Assert.Equal(2, (await many.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instancesDeleted").GetInt32());
        Assert.Equal(HttpStatusCode.Accepted, (await _http.GetAsync($"{Prefix}/instances/api-purge-running")).StatusCode);

        await AssertProblemAsync(await _http.DeleteAsync($"{Prefix}/instances?runtimeStatus=Running"), HttpStatusCode.BadRequest, "Running", "InvalidArgument");
        await AssertProblemAsync(await _http.DeleteAsync($"{Prefix}/instances"), HttpStatusCode.BadRequest, "at least one filter", "InvalidArgument");
    }

    [Fact]
    public async Task Start_UnknownWorkflow_Answers404ProblemDetails()
    {
        var response = await _http.PostAsync($"{Prefix}/orchestrators/NoSuchWorkflow", Json("1"));

        await AssertProblemAsync(response, HttpStatusCode.NotFound, "NoSuchWorkflow", nameof(WorkflowNotRegisteredException));
    }

    [Fact]
    public async Task Start_MalformedJson_Answers400AndCreatesNothing()
    {
        var response = await _http.PostAsync($"{Prefix}/orchestrators/SquareSum/api-bad-json", Json("{not json"));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "not valid JSON", "MalformedJson");
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync($"{Prefix}/instances/api-bad-json")).StatusCode);
    }

    [Fact]
    public async Task Start_InputOfWrongType_Answers400AndCreatesNothing()
    {
        var response = await _http.PostAsync($"{Prefix}/orchestrators/SquareSum/api-bad-input", Json("\"ten\""));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "Int32", nameof(InvalidWorkflowInputException));
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync($"{Prefix}/instances/api-bad-input")).StatusCode);
    }

    [Fact]
    public async Task Start_IdWithControlCharacter_Answers400()
    {
        var response = await _http.PostAsync($"{Prefix}/orchestrators/SquareSum/bad%0Aid", Json("1"));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "control character", nameof(InvalidInstanceIdException));
    }

    [Theory]
    [InlineData("x%2Fy", "'/'")]
    [InlineData("x%5Cy", "'\\'")]
    [InlineData("x%23y", "'#'")]
    [InlineData("x%3Fy", "'?'")]
    [InlineData("x%E2%80%AEy", "invisible character (U+202E)")]
    public async Task Start_IdThatWouldBreakItsManagementUris_Answers400AndCreatesNothing(string escapedId, string reason)
    {
        var response = await _http.PostAsync($"{Prefix}/orchestrators/SquareSum/{escapedId}", Json("1"));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, reason, nameof(InvalidInstanceIdException));
        var listed = await _http.GetStringAsync($"{Prefix}/instances?instanceIdPrefix=x");
        Assert.DoesNotContain(Uri.UnescapeDataString(escapedId), listed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_WithHistory_InlinesOnePage_AndLinksToTheRest()
    {
        await _http.PostAsync($"{Prefix}/orchestrators/SquareSum/api-big-history?timeout=60", Json("700"));
        long stored;
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_factory.DataDirectory, "baton.db")};Mode=ReadOnly;Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM history h JOIN instances i ON i.number = h.instance_number WHERE i.instance_id = 'api-big-history'";
            stored = (long)(await command.ExecuteScalarAsync())!;
        }


        var status = await _http.GetFromJsonAsync<JsonElement>($"{Prefix}/instances/api-big-history?showHistory=true");
        Assert.Equal("Completed", status.GetProperty("runtimeStatus").GetString());
        Assert.Equal(1000, status.GetProperty("historyEvents").GetArrayLength());
        var next = status.GetProperty("historyNextUri").GetString()!;

        var read = 1000;
        using (var rest = await _http.GetAsync(next))
        {
            read += (await rest.Content.ReadFromJsonAsync<JsonElement>()).GetArrayLength();
            var token = rest.Headers.TryGetValues("x-ms-continuation-token", out var values) ? values.Single() : null;
            while (token is not null)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"{Prefix}/instances/api-big-history/history?top=1000");
                request.Headers.Add("x-ms-continuation-token", token);
                using var page = await _http.SendAsync(request);
                read += (await page.Content.ReadFromJsonAsync<JsonElement>()).GetArrayLength();
                token = page.Headers.TryGetValues("x-ms-continuation-token", out var more) ? more.Single() : null;
            }
        }

        Assert.Equal(stored, read);
        Assert.True(stored > 1400, $"the history has only {stored} events");
    }

    [Fact]
    public async Task Start_OversizeBody_Answers413AndCreatesNothing()
    {
        var big = "\"" + new string('x', 100_000) + "\"";

        var response = await _http.PostAsync($"{Prefix}/orchestrators/WaitsForGo/api-too-big", Json(big));

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "65,536", "RequestTooLarge");
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync($"{Prefix}/instances/api-too-big")).StatusCode);
    }

    [Fact]
    public async Task List_StatusNamesBatonDoesNotHave_AreIgnored_AsDurableFunctionsDoes()
    {
        Assert.Equal(HttpStatusCode.OK, (await _http.PostAsync($"{Prefix}/orchestrators/SquareSum/api-df-status?timeout=30", Json("2"))).StatusCode);

        // Canceled is a Durable Functions status no instance has; an unknown name is ignored rather than refused.
        var lenient = await _http.GetFromJsonAsync<JsonElement>($"{Prefix}/instances?instanceIdPrefix=api-df-status&runtimeStatus=Canceled,Completed,Sleeping");
        var listed = Assert.Single(lenient.EnumerateArray());
        Assert.Equal(2, listed.GetProperty("input").GetInt32()); // lists carry the input by default
        Assert.Empty((await _http.GetFromJsonAsync<JsonElement>($"{Prefix}/instances?instanceIdPrefix=api-df-status&runtimeStatus=Canceled")).EnumerateArray());
        Assert.Equal(0, (await _http.GetFromJsonAsync<JsonElement>($"{Prefix}/counts?instanceIdPrefix=api-df-status&runtimeStatus=Unknown")).GetProperty("total").GetInt64());
        var purge = await (await _http.DeleteAsync($"{Prefix}/instances?instanceIdPrefix=api-df-status&runtimeStatus=Canceled")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0, purge.GetProperty("instancesDeleted").GetInt32());
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync($"{Prefix}/instances/api-df-status")).StatusCode);
    }

    [Fact]
    public async Task Start_WithAnEmptyStringBody_HasNoInput_AsTheDurableFunctionsClientMeansIt()
    {
        var started = await _http.PostAsync($"{Prefix}/orchestrators/OptionalInput/api-empty-body?timeout=30", Json("\"\""));
        Assert.Equal(HttpStatusCode.OK, started.StatusCode);
        var status = await started.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("none", JsonValueKind.Null), (status.GetProperty("output").GetString(), status.GetProperty("input").ValueKind));

        // A workflow whose input is required refuses it, as it refuses any missing input.
        await AssertProblemAsync(await _http.PostAsync($"{Prefix}/orchestrators/WaitsForGo/api-empty-required", Json("\"\"")), HttpStatusCode.BadRequest, "input");
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync($"{Prefix}/instances/api-empty-required")).StatusCode);
    }

    [Fact]
    public async Task Entities_AreSignalledAndRead_InTheDurableFunctionsShape_AndBadRequestsChangeNothing()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync($"{Prefix}/entities/Counter/api-c1")).StatusCode);

        Assert.Equal(HttpStatusCode.Accepted, (await _http.PostAsync($"{Prefix}/entities/Counter/api-c1?op=add", Json("5"))).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await _http.PostAsync($"{Prefix}/entities/counter/api-c1?op=Add", Json("3"))).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await _http.PostAsync($"{Prefix}/entities/Counter/api-c1?op=add", Json("\"not a number\""))).StatusCode); // fails in the entity, changes nothing
        var deadline = DateTime.UtcNow.AddSeconds(30);
        string state;
        while ((state = await (await _http.GetAsync($"{Prefix}/entities/Counter/api-c1")).Content.ReadAsStringAsync()) != "8" && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Equal("8", state);
        var status = await _http.GetFromJsonAsync<JsonElement>($"{Prefix}/instances/@counter@api-c1");
        Assert.Equal("@counter", status.GetProperty("name").GetString());

        await AssertProblemAsync(await _http.PostAsync($"{Prefix}/entities/Counter/api-c2", Json("1")), HttpStatusCode.BadRequest, "op");
        await AssertProblemAsync(await _http.PostAsync($"{Prefix}/entities/NoSuchEntity/api-c2?op=add", Json("1")), HttpStatusCode.NotFound, "@nosuchentity");
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync($"{Prefix}/entities/Counter/api-c2")).StatusCode);
    }

    [Fact]
    public async Task List_BadFilter_Answers400()
    {
        await AssertProblemAsync(await _http.GetAsync($"{Prefix}/instances?createdTimeFrom=yesterday"), HttpStatusCode.BadRequest, "createdTimeFrom");
        await AssertProblemAsync(await _http.GetAsync($"{Prefix}/instances?top=5000"), HttpStatusCode.BadRequest, "page size");
    }

    [Fact]
    public async Task Get_UnknownInstance_Answers404ProblemDetails()
    {
        var response = await _http.GetAsync($"{Prefix}/instances/nobody-here");

        await AssertProblemAsync(response, HttpStatusCode.NotFound, "nobody-here", nameof(InstanceNotFoundException));
    }
}
