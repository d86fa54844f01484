using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Baton.Api.Tests;

/// <summary><c>/api/schedules</c> end to end on a node: create, validate, list, read, trigger, backfill, edit, pause, resume, delete.</summary>
public sealed class SchedulesApiTests(BatonApiFactory factory) : IClassFixture<BatonApiFactory>
{
    [Fact]
    public async Task ASchedule_IsCreatedReadChangedAndDeletedOverHttp_AndBadSpecsAreRefusedByPath()
    {
        var http = factory.CreateClient();
        var created = await http.PostAsJsonAsync("/api/schedules", new { scheduleId = "http-1", spec = new { workflow = "SquareSum", input = 3, interval = "01:00:00", overlap = "AllowAll" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/schedules/http-1", created.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.Conflict, (await http.PostAsJsonAsync("/api/schedules", new { scheduleId = "http-1", spec = new { workflow = "SquareSum", interval = "00:10:00" } })).StatusCode);

        var bad = await http.PostAsJsonAsync("/api/schedules", new { scheduleId = "http-bad", spec = new { workflow = "SquareSum", cron = "61 * * * *", overlap = "Sometimes" } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("spec.overlap", (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject().Select(e => e.Name));
        bad = await http.PostAsJsonAsync("/api/schedules", new { scheduleId = "http-bad", spec = new { workflow = "SquareSum", cron = "61 * * * *" } });
        Assert.Equal(["spec.cron"], (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject().Select(e => e.Name));
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/schedules/http-bad")).StatusCode);

        var schedule = await UntilAsync(http, "http-1", s => s.TryGetProperty("nextRunAt", out var next) && next.ValueKind == JsonValueKind.String);
        Assert.Equal("AllowAll", schedule.GetProperty("spec").GetProperty("overlap").GetString());
        Assert.Contains("http-1", (await http.GetFromJsonAsync<JsonElement[]>("/api/schedules"))!.Select(s => s.GetProperty("scheduleId").GetString()));
        Assert.DoesNotContain("BatonSchedule", (await http.GetFromJsonAsync<JsonElement[]>("/api/workflows"))!.Select(w => w.GetProperty("name").GetString()));

        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsync("/api/schedules/http-1/trigger", null)).StatusCode);
        schedule = await UntilAsync(http, "http-1", s => s.GetProperty("started").GetInt64() == 1);
        var run = schedule.GetProperty("recentRuns")[0].GetString()!;
        Assert.StartsWith("http-1@", run);
        var finished = await http.GetFromJsonAsync<JsonElement>($"/runtime/webhooks/durabletask/instances/{Uri.EscapeDataString(run)}?waitSeconds=30");
        Assert.Equal(14, finished.GetProperty("output").GetInt32());

        var anchor = DateTime.UtcNow;
        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsJsonAsync("/api/schedules/http-1/backfill", new { from = anchor.AddHours(-3), to = anchor.AddHours(-1) })).StatusCode);
        await UntilAsync(http, "http-1", s => s.GetProperty("started").GetInt64() == 3); // two hourly times in that range

        var refused = await http.PutAsJsonAsync("/api/schedules/http-1", new { workflow = "SquareSum" });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(["cron", "interval"], (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject().Select(e => e.Name).Order());
        Assert.Equal(HttpStatusCode.Accepted, (await http.PutAsJsonAsync("/api/schedules/http-1", new { workflow = "SquareSum", input = 2, cron = "0 3 * * *" })).StatusCode);
        await UntilAsync(http, "http-1", s => s.GetProperty("spec").GetProperty("cron").GetString() == "0 3 * * *");

        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsync("/api/schedules/http-1/pause", null)).StatusCode);
        await UntilAsync(http, "http-1", s => s.GetProperty("paused").GetBoolean());
        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsync("/api/schedules/http-1/resume", null)).StatusCode);
        await UntilAsync(http, "http-1", s => !s.GetProperty("paused").GetBoolean());

        Assert.Equal(HttpStatusCode.Accepted, (await http.DeleteAsync("/api/schedules/http-1")).StatusCode);
        await Eventually(async () => (await http.GetAsync("/api/schedules/http-1")).StatusCode == HttpStatusCode.NotFound);
        var gone = await http.PostAsync("/api/schedules/http-1/pause", null);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("ScheduleNotFound", (await gone.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errorCode").GetString());
    }

    private static async Task<JsonElement> UntilAsync(HttpClient http, string id, Func<JsonElement, bool> condition)
    {
        JsonElement last = default;
        await Eventually(async () =>
        {
            var response = await http.GetAsync($"/api/schedules/{id}");
            return response.IsSuccessStatusCode && condition(last = await response.Content.ReadFromJsonAsync<JsonElement>());
        }, () => $"schedule {id} never met the condition; it is {last}");
        return last;
    }

    private static async Task Eventually(Func<Task<bool>> condition, Func<string>? describe = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, describe?.Invoke() ?? "The condition was not met in time.");
            await Task.Delay(50);
        }
    }
}
