using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text.Json;
using Baton.Samples.AiPipeline;
using Baton.TestingHost;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Baton.Samples.Tests;

/// <summary>
/// An OpenAI-compatible server on loopback, for the real SDK clients, under OpenAI's paths (<c>/v1/...</c>) and Azure
/// OpenAI's (<c>/openai/deployments/{deployment}/...</c>). It records every request it gets (path, query, credentials,
/// body), answers the first <c>throttle</c> chat requests and the first <c>throttleEmbeddings</c> embeddings requests
/// 429 with <c>Retry-After: 1</c>, and then: chat completions with the answer it was given; embeddings computed by the
/// pipeline sample's offline embedder, so that a search over them finds what the offline pipeline finds.
/// </summary>
internal sealed class FakeOpenAI : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _throttle;
    private int _throttleEmbeddings;

    private FakeOpenAI(WebApplication app) => _app = app;

    /// <summary>The server's root, for example http://127.0.0.1:41234/ (Azure OpenAI's endpoint shape).</summary>
    public string Root { get; private init; } = "";

    /// <summary>The OpenAI endpoint to give the SDK: <see cref="Root"/> with <c>v1</c>.</summary>
    public string Endpoint => Root + "v1";

    /// <summary>Every request, in arrival order.</summary>
    public ConcurrentQueue<Request> Requests { get; } = new();

    /// <summary>How long an embeddings request takes to answer, as a remote model's would.</summary>
    public TimeSpan EmbeddingsLatency { get; set; }

    public static async Task<FakeOpenAI> StartAsync(string answer, int throttle, int throttleEmbeddings = 0)
    {
        var port = LoopbackPorts.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var fake = new FakeOpenAI(app) { Root = $"http://127.0.0.1:{port}/", _throttle = throttle, _throttleEmbeddings = throttleEmbeddings };
        app.MapPost("/{**path}", async (HttpContext context) =>
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body);
            var embeddings = context.Request.Path.Value!.EndsWith("/embeddings", StringComparison.Ordinal);
            var throttled = Interlocked.Decrement(ref (embeddings ? ref fake._throttleEmbeddings : ref fake._throttle)) >= 0;
            var request = new Request(
                context.Request.Path, context.Request.QueryString.Value ?? "", context.Request.Headers.Authorization.ToString(),
                context.Request.Headers["api-key"].ToString(), body.RootElement.Clone(), DateTime.UtcNow, throttled);
            fake.Requests.Enqueue(request);
            if (throttled)
            {
                context.Response.Headers.RetryAfter = "1";
                return Results.StatusCode(StatusCodes.Status429TooManyRequests);
            }

            if (embeddings && fake.EmbeddingsLatency > TimeSpan.Zero)
            {
                await Task.Delay(fake.EmbeddingsLatency);
            }

            return embeddings ? Embeddings(request) : Chat(request, answer);
        });
        await app.StartAsync();
        return fake;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private static IResult Chat(Request request, string answer) => Results.Json(new
    {
        id = "chatcmpl-fake",
        @object = "chat.completion",
        created = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        model = request.Body.TryGetProperty("model", out var model) ? model.GetString() : "deployment",
        choices = new[] { new { index = 0, message = new { role = "assistant", content = answer }, finish_reason = "stop" } },
        usage = new { prompt_tokens = 10, completion_tokens = 10, total_tokens = 20 },
    });

    private static IResult Embeddings(Request request)
    {
        var base64 = request.Body.TryGetProperty("encoding_format", out var format) && format.GetString() == "base64";
        var data = request.Inputs.Select((text, index) =>
        {
            var vector = LocalEmbedder.Embed(text);
            return new
            {
                @object = "embedding",
                index,
                embedding = base64 ? (object)Convert.ToBase64String(MemoryMarshal.AsBytes(vector.AsSpan())) : vector,
            };
        }).ToArray();
        return Results.Json(new
        {
            @object = "list",
            data,
            model = request.Body.TryGetProperty("model", out var model) ? model.GetString() : "deployment",
            usage = new { prompt_tokens = 10, total_tokens = 10 },
        });
    }

    /// <summary>One request as received.</summary>
    public sealed record Request(string Path, string Query, string Authorization, string ApiKey, JsonElement Body, DateTime At, bool Throttled)
    {
        /// <summary>An embeddings request's input texts (one string or an array of them).</summary>
        public IReadOnlyList<string> Inputs => Body.GetProperty("input") is { ValueKind: JsonValueKind.Array } many
            ? many.EnumerateArray().Select(e => e.GetString()!).ToList()
            : [Body.GetProperty("input").GetString()!];

        /// <summary>A chat request's messages' texts, joined.</summary>
        public string Prompt => string.Join("\n", Body.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").ToString()));
    }
}
