namespace Baton.Api.Http;

/// <summary>A request body the API cannot take: malformed JSON (400) or larger than the configured limit (413).</summary>
/// <param name="statusCode">The HTTP status to answer.</param>
/// <param name="title">The problem's title.</param>
/// <param name="message">What is wrong, for the caller.</param>
/// <param name="bytes">For a 413, how many bytes had arrived when the limit was crossed.</param>
/// <param name="limit">For a 413, the limit.</param>
internal sealed class RequestBodyException(int statusCode, string title, string message, long? bytes = null, long? limit = null) : Exception(message)
{
    public long? Bytes { get; } = bytes;

    public long? Limit { get; } = limit;

    public int StatusCode { get; } = statusCode;

    public string Title { get; } = title;
}
