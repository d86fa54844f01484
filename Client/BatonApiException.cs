namespace Baton.Client;

/// <summary>
/// The node answered with an error that has no more specific Baton exception: 401 (no or bad credentials), 403 (the
/// credential's role may not do this), or a server error.
/// </summary>
/// <param name="statusCode">The HTTP status code.</param>
/// <param name="title">The problem's title.</param>
/// <param name="detail">The problem's detail, if any.</param>
public sealed class BatonApiException(int statusCode, string title, string? detail)
    : BatonException($"The Baton node answered {statusCode} ({title}){(detail is null ? "" : ": " + detail)}")
{
    /// <summary>The HTTP status code.</summary>
    public int StatusCode { get; } = statusCode;
}
