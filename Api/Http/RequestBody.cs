using System.Text.Json;
using Baton.Api.Hosting;
using Microsoft.Extensions.Options;

namespace Baton.Api.Http;

/// <summary>Reads a request's JSON body, enforcing <see cref="ApiOptions.MaxRequestBodyBytes"/> whatever the server in front.</summary>
internal sealed class RequestBody(IOptions<ApiOptions> options)
{
    private readonly long _limit = options.Value.MaxRequestBodyBytes;

    /// <summary>The body as a JSON value (which the client serialises as itself), or null when the request has no body.</summary>
    /// <exception cref="RequestBodyException">The body is too large or is not JSON.</exception>
    public async Task<JsonElement?> ReadJsonAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength is > 0 and var length && length > _limit)
        {
            throw TooLarge(length);
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > _limit)
            {
                throw TooLarge(buffer.Length + read);
            }

            buffer.Write(chunk, 0, read);
        }

        if (buffer.Length == 0)
        {
            return null;
        }

        if (!IsJson(request.ContentType))
        {
            throw new RequestBodyException(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type.",
                $"The request body must be JSON, sent with Content-Type: application/json, not '{request.ContentType ?? "(none)"}'.");
        }

        try
        {
            using var document = JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
            return document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new RequestBodyException(StatusCodes.Status400BadRequest, "Malformed JSON.", $"The request body is not valid JSON: {ex.Message}");
        }
    }

    private static bool IsJson(string? contentType) =>
        Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)
        && (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || media.MediaType.Value?.EndsWith("+json", StringComparison.OrdinalIgnoreCase) == true);

    private RequestBodyException TooLarge(long bytes) =>
        new(StatusCodes.Status413PayloadTooLarge, "Payload too large.", $"The request body is at least {bytes:N0} bytes, more than the limit of {_limit:N0} bytes (Baton:Api:MaxRequestBodyBytes).", bytes, _limit);
}
