using System.Collections.Concurrent;
using System.Text.Json;
using Baton.TestingHost;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Baton.Samples.Tests;

/// <summary>
/// An OpenAI-compatible chat completions endpoint on loopback, for the real SDK clients: it records every request it gets
/// (path, key, model, body), answers the first <c>throttle</c> of them 429 with <c>Retry-After</c>, and then the
/// answer it was given, as a chat completion.
/// </summary>
internal sealed class FakeOpenAI : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _throttle;

    private FakeOpenAI(WebApplication app) => _app = app;

    /// <summary>The endpoint to give the SDK, for example http://127.0.0.1:41234/v1.</summary>
    public string Endpoint { get; private init; } = "";

    /// <summary>Every request, in arrival order.</summary>
    public ConcurrentQueue<Request> Requests { get; } = new();

    public static async Task<FakeOpenAI> StartAsync(string answer, int throttle)
    {
        var port = LoopbackPorts.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var fake = new FakeOpenAI(app) { Endpoint = $"http://127.0.0.1:{port}/v1", _throttle = throttle };
        app.MapPost("/{**path}", async (HttpContext context) =>
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body);
            var request = new Request(context.Request.Path, context.Request.Headers.Authorization.ToString(), body.RootElement.Clone(), DateTime.UtcNow);
            fake.Requests.Enqueue(request);
            if (Interlocked.Decrement(ref fake._throttle) >= 0)
            {
                context.Response.Headers.RetryAfter = "1";
                return Results.StatusCode(StatusCodes.Status429TooManyRequests);
            }

            return Results.Json(new
            {
                id = "chatcmpl-fake",
                @object = "chat.completion",
                created = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                model = request.Body.GetProperty("model").GetString(),
                choices = new[] { new { index = 0, message = new { role = "assistant", content = answer }, finish_reason = "stop" } },
                usage = new { prompt_tokens = 10, completion_tokens = 10, total_tokens = 20 },
            });
        });
        await app.StartAsync();
        return fake;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    /// <summary>One request as received.</summary>
    public sealed record Request(string Path, string Authorization, JsonElement Body, DateTime At);
}
