using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Baton.Api.Tests;

/// <summary>Request and assertion helpers shared by the route tests.</summary>
internal static class Http
{
    public const string Prefix = "/runtime/webhooks/durabletask";

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>Long-polls an instance's status until it has finished (the route holds each request until then, up to 10 s).</summary>
    public static async Task<JsonElement> WaitFinishedAsync(HttpClient http, string instanceId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var response = await http.GetAsync($"{Prefix}/instances/{instanceId}?waitSeconds=10");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return await response.Content.ReadFromJsonAsync<JsonElement>();
            }

            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            Assert.True(DateTime.UtcNow < deadline, $"Instance {instanceId} did not finish in time.");
        }
    }

    /// <summary>Waits until an instance's status satisfies <paramref name="condition"/>.</summary>
    public static async Task<JsonElement> WaitForStatusAsync(HttpClient http, string instanceId, Func<JsonElement, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var response = await http.GetAsync($"{Prefix}/instances/{instanceId}");
            if (response.IsSuccessStatusCode && await response.Content.ReadFromJsonAsync<JsonElement>() is var status && condition(status))
            {
                return status;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Instance {instanceId} did not reach the expected state in time.");
            await Task.Delay(20);
        }
    }

    public static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode expected, string detailContains, string? errorCode = null)
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.Contains(detailContains, problem.GetProperty("detail").GetString());
        if (errorCode is not null)
        {
            Assert.Equal(errorCode, problem.GetProperty("errorCode").GetString());
        }

        return problem;
    }
}
