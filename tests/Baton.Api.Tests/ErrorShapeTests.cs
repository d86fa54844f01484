using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using static Baton.Api.Tests.Http;

namespace Baton.Api.Tests;

/// <summary>Every error, the framework's own included, is problem details with an errorCode, and changes nothing.</summary>
public sealed class ErrorShapeTests(BatonApiFactory factory) : IClassFixture<BatonApiFactory>
{
    private readonly HttpClient _http = factory.CreateClient();

    [Theory]
    [InlineData("GET", "/no-such-route", HttpStatusCode.NotFound, "NotFound")]
    [InlineData("DELETE", "/health", HttpStatusCode.MethodNotAllowed, "MethodNotAllowed")]
    [InlineData("GET", Prefix + "/instances/shape-x?waitSeconds=abc", HttpStatusCode.BadRequest, "BadRequest")]
    [InlineData("GET", Prefix + "/instances/shape-x?showHistory=maybe", HttpStatusCode.BadRequest, "BadRequest")]
    public async Task FrameworkErrors_AreProblemDetailsWithAnErrorCode(string method, string path, HttpStatusCode status, string errorCode)
    {
        var response = await _http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(errorCode, problem.GetProperty("errorCode").GetString());
    }

    [Theory]
    [InlineData("waitSeconds=abc", "waitSeconds")]
    [InlineData("showHistory=maybe", "showHistory")]
    [InlineData("showInput=1x", "showInput")]
    public async Task UnparsableQueryValues_AreProblemsThatNameTheValue(string query, string name)
    {
        var problem = await AssertProblemAsync(await _http.GetAsync($"{Prefix}/instances/shape-x?{query}"), HttpStatusCode.BadRequest, name, "BadRequest");

        Assert.Contains(query.Split('=')[1], problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("timeout=NaN")]
    [InlineData("timeout=-1")]
    [InlineData("timeout=Infinity")]
    public async Task Start_WithATimeoutOutOfRange_Answers400_AndCreatesNothing(string query)
    {
        var id = "shape-timeout-" + query.Length;
        var response = await _http.PostAsync($"{Prefix}/orchestrators/SquareSum/{id}?{query}", Json("1"));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "timeout must be", "InvalidArgument");
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync($"{Prefix}/instances/{id}")).StatusCode);
    }

    [Fact]
    public async Task Status_WithAWaitOutOfRange_Answers400()
    {
        await AssertProblemAsync(await _http.GetAsync($"{Prefix}/instances/shape-x?waitSeconds=NaN"), HttpStatusCode.BadRequest, "waitSeconds must be", "InvalidArgument");
        await AssertProblemAsync(await _http.GetAsync($"{Prefix}/instances/shape-x?waitSeconds=-5"), HttpStatusCode.BadRequest, "waitSeconds must be", "InvalidArgument");
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task JsonBody_SentAsAnotherMediaType_Answers415_AndCreatesNothing(string mediaType)
    {
        var id = "shape-" + mediaType.Replace('/', '-');
        var starts = new[] { $"{Prefix}/orchestrators/SquareSum/{id}", $"/api/workflows/SquareSum?instanceId={id}" };

        foreach (var start in starts)
        {
            var response = await _http.PostAsync(start, new StringContent("1", Encoding.UTF8, mediaType));
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("UnsupportedMediaType", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errorCode").GetString());
        }

        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync($"{Prefix}/instances/{id}")).StatusCode);
    }
}
