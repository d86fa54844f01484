using System.Net;

namespace Baton.Api.Hosting;

/// <summary>Refuses to expose the API beyond this machine without access control.</summary>
internal static class BindAddressGuard
{
    /// <summary>The address the node binds to when none is configured.</summary>
    public const string DefaultUrls = "http://127.0.0.1:5080";

    /// <summary>The configured URLs: <c>urls</c> (from <c>--urls</c> or <c>ASPNETCORE_URLS</c>) and Kestrel endpoints.</summary>
    public static IReadOnlyList<string> UrlsOf(IConfiguration configuration)
    {
        var urls = (configuration["urls"] ?? DefaultUrls).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        urls.AddRange(configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(e => e["Url"]).OfType<string>());
        return urls;
    }

    /// <summary>The refusal message when a URL binds beyond loopback and access control is off; otherwise null.</summary>
    public static string? Refusal(IReadOnlyList<string> urls, AccessOptions access)
    {
        if (access.Enabled)
        {
            return null;
        }

        var open = urls.Where(url => !IsLoopback(url)).ToList();
        return open.Count == 0 ? null : $"""
            Baton refuses to start: it would listen on {string.Join(", ", open)}, which other machines can reach, with access control off.
            Either bind to loopback only (for example --urls http://127.0.0.1:5080), or configure access control: API keys under
            Baton:Api:Access:ApiKeys (hash one with: dotnet run --project Api -- hash-key <key>) or a JWT signing key under Baton:Api:Access:Jwt.
            """;
    }

    private static bool IsLoopback(string url)
    {
        // "http://*:80" and "http://+:80" are not valid URIs; they mean every address.
        var host = url.Contains("://", StringComparison.Ordinal) ? url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..] : url;
        host = host.Split('/')[0];
        host = host.StartsWith('[') ? host[1..host.IndexOf(']')] : host.Split(':')[0];
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
    }
}
