using System.Net;
using System.Text.Json;
using static Baton.Api.Tests.Http;

namespace Baton.Api.Tests;

public sealed class EventsApiTests : IClassFixture<BatonApiFactory>
{
    private readonly HttpClient _http;

    public EventsApiTests(BatonApiFactory factory) => _http = factory.CreateClient();

    [Fact]
    public async Task Stream_FilteredByInstance_SeesEachTransitionInOrder()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var stream = await OpenAsync(_http, "/api/events?instanceId=sse-1", timeout.Token);
        await _http.PostAsync($"{Prefix}/orchestrators/WaitsForGo/sse-1", Json("\"a\""));
        await _http.PostAsync($"{Prefix}/orchestrators/WaitsForGo/sse-other", Json("\"b\""));
        await WaitForStatusAsync(_http, "sse-1", s => s.GetProperty("runtimeStatus").GetString() == "Running");
        await _http.PostAsync($"{Prefix}/instances/sse-1/suspend", null);
        await WaitForStatusAsync(_http, "sse-1", s => s.GetProperty("runtimeStatus").GetString() == "Suspended");
        await _http.PostAsync($"{Prefix}/instances/sse-1/resume", null);
        await _http.PostAsync($"{Prefix}/instances/sse-1/raiseEvent/go", Json("\"go\""));

        var events = await ReadUntilAsync(stream, e => e.Data.GetProperty("runtimeStatus").GetString() == "Completed", timeout.Token);

        Assert.All(events, e => Assert.Equal("sse-1", e.Data.GetProperty("instanceId").GetString()));
        Assert.Equal(["Pending", "Running", "Suspended", "Running", "Completed"], events.Select(e => e.Data.GetProperty("runtimeStatus").GetString()));
        Assert.Equal(events.Select(e => e.Id).Order(), events.Select(e => e.Id));
        Assert.Equal("Suspended", events[3].Data.GetProperty("previousStatus").GetString());
    }

    [Fact]
    public async Task Stream_ResumedWithLastEventId_DeliversWhatWasMissed_FilteredByStatus()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        long lastSeen;
        using (var first = await OpenAsync(_http, "/api/events?name=SquareSum&runtimeStatus=Completed", timeout.Token))
        {
            await _http.PostAsync($"{Prefix}/orchestrators/SquareSum/sse-resume-1?timeout=20", Json("1"));
            lastSeen = (await ReadUntilAsync(first, e => e.Data.GetProperty("instanceId").GetString() == "sse-resume-1", timeout.Token))[^1].Id;
        }

        await _http.PostAsync($"{Prefix}/orchestrators/SquareSum/sse-resume-2?timeout=20", Json("1"));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/events?name=SquareSum&runtimeStatus=Completed");
        request.Headers.Add("Last-Event-ID", lastSeen.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        using var resumed = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));

        var missed = await ReadUntilAsync(resumed, e => e.Data.GetProperty("instanceId").GetString() == "sse-resume-2", timeout.Token);

        Assert.All(missed, e => Assert.Equal("Completed", e.Data.GetProperty("runtimeStatus").GetString()));
        Assert.All(missed, e => Assert.True(e.Id > lastSeen));
    }

    [Fact]
    public async Task Stream_ResumedFromBeyondTheNewestEvent_IsToldSo_AndGoesOnFromTheHead()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/events?instanceId=sse-beyond");
        request.Headers.Add("Last-Event-ID", "999999999");
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));

        var reset = await ReadFrameAsync(reader, timeout.Token);
        var ready = await ReadFrameAsync(reader, timeout.Token);
        await _http.PostAsync($"{Prefix}/orchestrators/SquareSum/sse-beyond?timeout=20", Json("1"));
        var events = await ReadUntilAsync(reader, e => e.Data.GetProperty("runtimeStatus").GetString() == "Completed", timeout.Token);

        Assert.Equal("reset", reset?.Type);
        var head = JsonSerializer.Deserialize<JsonElement>(reset!.Value.Data).GetProperty("head").GetInt64();
        Assert.Equal(999999999, JsonSerializer.Deserialize<JsonElement>(reset.Value.Data).GetProperty("requested").GetInt64());
        Assert.Equal("ready", ready?.Type);
        Assert.Equal(head, JsonSerializer.Deserialize<JsonElement>(ready!.Value.Data).GetProperty("after").GetInt64());
        Assert.All(events, e => Assert.True(e.Id > head));
    }

    [Fact]
    public async Task Stream_BadResumePoint_Answers400()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/events");
        request.Headers.Add("Last-Event-ID", "yesterday");
        await AssertProblemAsync(await _http.SendAsync(request), HttpStatusCode.BadRequest, "Last-Event-ID");
    }

    internal static async Task<StreamReader> OpenAsync(HttpClient http, string path, CancellationToken cancellationToken)
    {
        var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        var ready = await ReadFrameAsync(reader, cancellationToken);
        Assert.Equal("ready", ready?.Type);
        return reader;
    }

    /// <summary>Reads server-sent status events until one matches <paramref name="last"/>; returns all read, in order.</summary>
    internal static async Task<List<(long Id, JsonElement Data)>> ReadUntilAsync(StreamReader reader, Func<(long Id, JsonElement Data), bool> last, CancellationToken cancellationToken)
    {
        var events = new List<(long, JsonElement)>();
        while (await ReadFrameAsync(reader, cancellationToken) is { } frame)
        {
            if (frame.Type == "ready")
            {
                continue;
            }

            Assert.Equal("status", frame.Type);
            var e = (long.Parse(frame.Id!, System.Globalization.CultureInfo.InvariantCulture), JsonSerializer.Deserialize<JsonElement>(frame.Data));
            events.Add(e);
            if (last(e))
            {
                return events;
            }
        }

        throw new InvalidOperationException("The event stream ended early.");
    }

    /// <summary>Reads one event: its fields up to the blank line that ends it.</summary>
    private static async Task<(string? Type, string? Id, string Data)?> ReadFrameAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        string? type = null, id = null, data = null;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (data is not null)
                {
                    return (type, id, data);
                }

                continue;
            }

            var colon = line.IndexOf(':');
            var (field, value) = colon < 0 ? (line, "") : (line[..colon], line[(colon + 1)..].TrimStart(' '));
            switch (field)
            {
                case "event": type = value; break;
                case "id": id = value; break;
                case "data": data = data is null ? value : data + "\n" + value; break;
            }
        }

        return null;
    }
}
