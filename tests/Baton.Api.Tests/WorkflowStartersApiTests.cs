using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static Baton.Api.Tests.Http;

namespace Baton.Api.Tests;

public sealed class WorkflowStartersApiTests : IClassFixture<BatonApiFactory>
{
    private readonly HttpClient _http;

    public WorkflowStartersApiTests(BatonApiFactory factory) => _http = factory.CreateClient();

    [Fact]
    public async Task Start_ValidTypedInput_Answers202_AndTheWorkflowRuns()
    {
        var response = await _http.PostAsync("/api/workflows/OrderApproval?instanceId=typed-ok",
            Json("""{"customerEmail":"ann@example.com","amount":20,"lines":[{"sku":"A-1","quantity":2}]}"""));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.EndsWith("/instances/typed-ok?taskHub=Baton&connection=Storage", response.Headers.Location!.ToString());
        Assert.Equal("placed 2 item(s) for ann@example.com, total 20", (await WaitFinishedAsync(_http, "typed-ok")).GetProperty("output").GetString());
    }

    [Fact]
    public async Task Start_InvalidInput_Answers400ListingEveryFieldError_AndCreatesNothing()
    {
        var response = await _http.PostAsync("/api/workflows/OrderApproval?instanceId=typed-bad",
            Json("""{"customerEmail":"not-an-email","amount":0,"lines":[{"sku":"","quantity":5000}]}"""));

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "failed validation", nameof(InvalidWorkflowInputException));
        var errors = problem.GetProperty("errors");
        Assert.Equal(["amount", "customerEmail", "lines[0].quantity", "lines[0].sku"], errors.EnumerateObject().Select(e => e.Name).Order());
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync($"{Prefix}/instances/typed-bad")).StatusCode);
    }

    [Fact]
    public async Task Start_WrongJsonTypes_Answers400ListingEveryMisfitByPath_AndCreatesNothing()
    {
        var response = await _http.PostAsync("/api/workflows/OrderApproval?instanceId=typed-types",
            Json("""{"customerEmail":5,"amount":"lots","lines":[{"sku":"A-1","quantity":"x"},{"sku":["B"],"quantity":2},7]}"""));

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "OrderRequest", nameof(InvalidWorkflowInputException));
        var errors = problem.GetProperty("errors");
        Assert.Equal(["amount", "customerEmail", "lines[0].quantity", "lines[1].sku", "lines[2]"], errors.EnumerateObject().Select(e => e.Name).Order());
        Assert.Equal("must be a string, not a number.", errors.GetProperty("customerEmail")[0].GetString());
        Assert.Equal("must be an object, not a number.", errors.GetProperty("lines[2]")[0].GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync($"{Prefix}/instances/typed-types")).StatusCode);
    }

    [Fact]
    public async Task Start_NullItemInAListOfNonNullableItems_Answers400_AndCreatesNothing()
    {
        var response = await _http.PostAsync("/api/workflows/OrderApproval?instanceId=typed-null-line",
            Json("""{"customerEmail":"ann@example.com","amount":20,"lines":[{"sku":"A-1","quantity":2},null]}"""));

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "lines[1]", nameof(InvalidWorkflowInputException));
        Assert.Equal(["lines[1]"], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync($"{Prefix}/instances/typed-null-line")).StatusCode);
    }

    [Fact]
    public async Task Start_WrongShapeOrEmptyBody_Answers400()
    {
        await AssertProblemAsync(await _http.PostAsync("/api/workflows/OrderApproval", Json("""{"amount":"lots"}""")), HttpStatusCode.BadRequest, "OrderRequest");
        await AssertProblemAsync(await _http.PostAsync("/api/workflows/SquareSum", Json("")), HttpStatusCode.BadRequest, "empty");
        await AssertProblemAsync(await _http.PostAsync("/api/workflows/OrderApproval", Json("{")), HttpStatusCode.BadRequest, "JSON");
    }

    [Fact]
    public async Task OpenApi_DescribesEachStarterWithItsInputSchema()
    {
        var document = await _http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/runtime/webhooks/durabletask/instances/{instanceId}", out _));
        var body = paths.GetProperty("/api/workflows/OrderApproval").GetProperty("post").GetProperty("requestBody");
        var schemaRef = body.GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString();
        Assert.EndsWith("OrderRequest", schemaRef);
        var properties = document.GetProperty("components").GetProperty("schemas").GetProperty("OrderRequest").GetProperty("properties");
        Assert.True(properties.TryGetProperty("customerEmail", out _));
        Assert.True(properties.TryGetProperty("lines", out _));
        Assert.True(paths.TryGetProperty("/api/workflows/GreetingChain", out _));
    }

    [Fact]
    public async Task Catalog_ListsEachWorkflowWithItsVersionsAndSchemas()
    {
        var catalog = await _http.GetFromJsonAsync<JsonElement>("/api/workflows");

        var sum = catalog.EnumerateArray().Single(w => w.GetProperty("name").GetString() == "SquareSum");
        Assert.Equal([1], sum.GetProperty("versions").EnumerateArray().Select(v => v.GetInt32()));
        // Web defaults read numbers from strings too, so the schema allows both.
        Assert.Contains("integer", sum.GetProperty("input").GetProperty("type").ToString());
        Assert.Equal("/api/workflows/SquareSum", sum.GetProperty("startUri").GetString());
        var order = catalog.EnumerateArray().Single(w => w.GetProperty("name").GetString() == "OrderApproval");
        var properties = order.GetProperty("input").GetProperty("properties");
        Assert.True(properties.TryGetProperty("customerEmail", out _));
        Assert.True(properties.TryGetProperty("lines", out _));
    }
}
