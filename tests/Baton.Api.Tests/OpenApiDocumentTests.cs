using System.Net.Http.Json;
using System.Text.Json;

namespace Baton.Api.Tests;

/// <summary>The OpenAPI document describes every route completely: parameters, bodies, answers (problems included) and security.</summary>
public sealed class OpenApiDocumentTests(BatonApiFactory factory) : IClassFixture<BatonApiFactory>
{
    private const string Prefix = "/runtime/webhooks/durabletask";

    private readonly Lazy<Task<JsonElement>> _document = new(() => factory.CreateClient().GetFromJsonAsync<JsonElement>("/openapi/v1.json"));

    [Fact]
    public async Task EveryParameterHasADescription_AndEveryErrorAnswerIsAProblem()
    {
        var operations = Operations(await _document.Value).ToList();
        Assert.NotEmpty(operations);
        foreach (var (path, method, operation) in operations)
        {
            foreach (var parameter in Array(operation, "parameters"))
            {
                Assert.True(parameter.TryGetProperty("description", out var text) && text.GetString() is { Length: > 0 },
                    $"{method} {path}: parameter '{parameter.GetProperty("name")}' has no description");
            }

            foreach (var answer in operation.GetProperty("responses").EnumerateObject().Where(r => int.Parse(r.Name) >= 400))
            {
                var schema = answer.Value.GetProperty("content").GetProperty("application/problem+json").GetProperty("schema").GetProperty("$ref").GetString();
                Assert.EndsWith("ProblemDetails", schema);
            }
        }

        Assert.DoesNotContain(operations, o => o.Path.StartsWith("/orleans", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheManagementRoutes_DocumentTheQueryValuesTheyRead()
    {
        var document = await _document.Value;

        Assert.Equal(
            ["createdTimeFrom", "createdTimeTo", "customStatus", "instanceIdPrefix", "name", "orderBy", "runtimeStatus", "showInput", "taskHub", "top", "version", "x-ms-continuation-token"],
            Names(Operation(document, "/instances", "get")));
        Assert.Equal(["createdTimeFrom", "createdTimeTo", "instanceIdPrefix", "name", "runtimeStatus", "taskHub"], Names(Operation(document, "/instances", "delete")));
        Assert.Contains("customStatus", Names(Operation(document, "/counts", "get")));
        Assert.Contains("version", Names(Operation(document, "/counts", "get")));
        Assert.Equal(["instanceId", "showHistory", "showInput", "taskHub", "waitSeconds"], Names(Operation(document, "/instances/{instanceId}", "get")));
        Assert.Equal(["continuationToken", "instanceId", "taskHub", "top", "x-ms-continuation-token"], Names(Operation(document, "/instances/{instanceId}/history", "get")));

        // Every route that works in a namespace takes it; a callback's token names its instance, and needs none.
        Assert.Contains("taskHub", Names(Path(document, "/api/events", "get")));
        Assert.Contains("taskHub", Names(Path(document, "/api/schedules", "get")));
        Assert.DoesNotContain("taskHub", Names(Operation(document, "/callbacks/{token}/complete", "post")));

        foreach (var start in new[] { Operation(document, "/orchestrators/{name}", "post"), Operation(document, "/orchestrators/{name}/{instanceId}", "post"), Path(document, "/api/workflows/SquareSum", "post") })
        {
            var ifExists = Array(start, "parameters").Single(p => p.GetProperty("name").GetString() == "ifExists");
            Assert.Equal(["recreateIfFinished", "fail", "returnExisting"], ifExists.GetProperty("schema").GetProperty("enum").EnumerateArray().Select(v => v.GetString()));
            Assert.Contains("timeout", Names(start));
            Assert.True(start.TryGetProperty("requestBody", out _));
            Assert.Contains("409", start.GetProperty("responses").EnumerateObject().Select(r => r.Name));
        }

        // A new id comes from the route without one; the instanceId is never a query value.
        Assert.DoesNotContain("instanceId", Names(Operation(document, "/orchestrators/{name}", "post")));
        Assert.Contains("412", Operation(document, "/instances/{instanceId}/rewind", "post").GetProperty("responses").EnumerateObject().Select(r => r.Name));
        Assert.True(Operation(document, "/instances/{instanceId}/raiseEvent/{eventName}", "post").TryGetProperty("requestBody", out _));
        var failure = Operation(document, "/callbacks/{token}/fail", "post").GetProperty("requestBody").GetProperty("content").GetProperty("application/json")
            .GetProperty("schema").GetProperty("$ref").GetString()!.Split('/')[^1];
        Assert.True(document.GetProperty("components").GetProperty("schemas").GetProperty(failure).GetProperty("properties").TryGetProperty("error", out _));
    }

    [Fact]
    public async Task SecuritySchemes_AreDescribed_AndRequiredWhereAccessIsChecked()
    {
        var document = await _document.Value;
        var schemes = document.GetProperty("components").GetProperty("securitySchemes");

        Assert.Equal("apiKey", schemes.GetProperty("ApiKey").GetProperty("type").GetString());
        Assert.Equal("header", schemes.GetProperty("ApiKey").GetProperty("in").GetString());
        Assert.Equal("X-Api-Key", schemes.GetProperty("ApiKey").GetProperty("name").GetString());
        Assert.Equal("bearer", schemes.GetProperty("Bearer").GetProperty("scheme").GetString());
        foreach (var (path, method, operation) in Operations(document))
        {
            // The callback routes take their signed token as the credential, and /health is open.
            var open = path.StartsWith(Prefix + "/callbacks/", StringComparison.Ordinal) || path == "/health";
            var required = Array(operation, "security").SelectMany(r => r.EnumerateObject().Select(s => s.Name)).ToList();
            Assert.True(open ? required.Count == 0 : required is ["ApiKey", "Bearer"], $"{method} {path}: security [{string.Join(", ", required)}]");
        }
    }

    private static IEnumerable<(string Path, string Method, JsonElement Operation)> Operations(JsonElement document) =>
        document.GetProperty("paths").EnumerateObject().SelectMany(path => path.Value.EnumerateObject().Select(method => (path.Name, method.Name, method.Value)));

    private static JsonElement Operation(JsonElement document, string route, string method) => Path(document, Prefix + route, method);

    private static JsonElement Path(JsonElement document, string path, string method) => document.GetProperty("paths").GetProperty(path).GetProperty(method);

    private static IEnumerable<JsonElement> Array(JsonElement element, string name) =>
        element.TryGetProperty(name, out var array) ? array.EnumerateArray() : [];

    private static List<string> Names(JsonElement operation) =>
        [.. Array(operation, "parameters").Select(p => p.GetProperty("name").GetString()!).Order(StringComparer.Ordinal)];
}
