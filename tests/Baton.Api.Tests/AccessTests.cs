using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using static Baton.Api.Tests.Http;

namespace Baton.Api.Tests;

public sealed class AccessTests : IClassFixture<SecuredApiFactory>
{
    private readonly SecuredApiFactory _factory;

    public AccessTests(SecuredApiFactory factory) => _factory = factory;

    [Fact]
    public async Task NoCredentials_Answers401_ButHealthAndCallbacksStayOpen()
    {
        var http = _factory.CreateClient();

        var response = await http.GetAsync($"{Prefix}/instances");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health")).StatusCode);
        await AssertProblemAsync(await http.PostAsync($"{Prefix}/callbacks/not-a-token/complete", Json("1")), HttpStatusCode.Forbidden, "not valid", nameof(InvalidCallbackTokenException));
    }

    [Fact]
    public async Task WrongKey_Answers401()
    {
        var http = WithKey("not-a-key-anyone-has");

        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync($"{Prefix}/instances")).StatusCode);
    }

    [Fact]
    public async Task ReaderKey_ReadsButCannotOperate_And403ChangesNothing()
    {
        var http = WithKey(SecuredApiFactory.ReaderKey);

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"{Prefix}/instances")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"{Prefix}/counts")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.PostAsync($"{Prefix}/orchestrators/SquareSum/acl-reader", Json("1"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.PostAsync("/api/workflows/SquareSum?instanceId=acl-reader", Json("1"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"{Prefix}/instances/acl-reader")).StatusCode);
    }

    [Fact]
    public async Task OperatorKey_StartsAndControls()
    {
        var http = WithKey(SecuredApiFactory.OperatorKey);

        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsync($"{Prefix}/orchestrators/WaitsForGo/acl-operator", Json("\"o\""))).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsync($"{Prefix}/instances/acl-operator/terminate", null)).StatusCode);
        Assert.Equal("Terminated", (await WaitFinishedAsync(http, "acl-operator")).GetProperty("runtimeStatus").GetString());
    }

    [Fact]
    public async Task Jwt_ValidOperatorToken_Starts_ReaderTokenIsForbidden()
    {
        var operatorHttp = WithBearer(Token(new { iss = "https://login.example", aud = "baton", sub = "ci", role = "operator", exp = In(300) }));
        var readerHttp = WithBearer(Token(new { iss = "https://login.example", aud = new[] { "other", "baton" }, role = new[] { "reader" }, exp = In(300) }));

        Assert.Equal(HttpStatusCode.Accepted, (await operatorHttp.PostAsync($"{Prefix}/orchestrators/SquareSum/acl-jwt", Json("2"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await readerHttp.GetAsync($"{Prefix}/instances")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await readerHttp.PostAsync($"{Prefix}/orchestrators/SquareSum/acl-jwt-2", Json("2"))).StatusCode);
    }

    [Theory]
    [InlineData("expired")]
    [InlineData("wrong-signature")]
    [InlineData("wrong-audience")]
    [InlineData("wrong-issuer")]
    [InlineData("alg-none")]
    public async Task Jwt_InvalidToken_Answers401(string defect)
    {
        var claims = new { iss = defect == "wrong-issuer" ? "https://evil.example" : "https://login.example", aud = defect == "wrong-audience" ? "other" : "baton", role = "operator", exp = In(defect == "expired" ? -600 : 300) };
        var token = defect switch
        {
            "wrong-signature" => Token(claims, "another-signing-key-of-at-least-32-bytes"),
            "alg-none" => Segment(new { alg = "none", typ = "JWT" }) + "." + Segment(claims) + ".",
            _ => Token(claims),
        };

        var response = await WithBearer(token).PostAsync($"{Prefix}/orchestrators/SquareSum/acl-bad-{defect}", Json("2"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await WithKey(SecuredApiFactory.ReaderKey).GetAsync($"{Prefix}/instances/acl-bad-{defect}")).StatusCode);
    }

    [Fact]
    public async Task OrleansDashboard_IsServedAtOrleans_BehindTheSameAccessControl()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await _factory.CreateClient().GetAsync("/orleans")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _factory.CreateClient().GetAsync("/orleans/DashboardCounters")).StatusCode);

        var reader = WithKey(SecuredApiFactory.ReaderKey);
        var page = await reader.GetAsync("/orleans");
        var counters = await reader.GetAsync("/orleans/DashboardCounters");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Orleans", await page.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, counters.StatusCode);
        Assert.StartsWith("{\"hosts\":", await counters.Content.ReadAsStringAsync());
    }

    private HttpClient WithKey(string key)
    {
        var http = _factory.CreateClient();
        http.DefaultRequestHeaders.Add("X-Api-Key", key);
        return http;
    }

    private HttpClient WithBearer(string token)
    {
        var http = _factory.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private static long In(int seconds) => DateTimeOffset.UtcNow.AddSeconds(seconds).ToUnixTimeSeconds();

    private static string Token(object claims, string key = SecuredApiFactory.JwtKey)
    {
        var unsigned = Segment(new { alg = "HS256", typ = "JWT" }) + "." + Segment(claims);
        return unsigned + "." + Base64Url.EncodeToString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.ASCII.GetBytes(unsigned)));
    }

    private static string Segment(object value) => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(value));
}
