using Baton.Api.Hosting;

namespace Baton.Api.Tests;

public sealed class BindAddressTests
{
    [Fact]
    public async Task Start_OnAllAddressesWithoutAccessControl_RefusesWithAClearMessage()
    {
        var data = Path.Combine(Path.GetTempPath(), "baton-api-tests", Guid.NewGuid().ToString("N"));
        using var api = ApiProcess.Start("--urls", "http://0.0.0.0:0", $"--Baton:DataDirectory={data}");

        var exitCode = await api.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, exitCode);
        Assert.Contains("Baton refuses to start: it would listen on http://0.0.0.0:0", api.Output);
        Assert.Contains("Baton:Api:Access:ApiKeys", api.Output);
        Assert.False(Directory.Exists(data), "Nothing may be created when the node refuses to start.");
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080", true)]
    [InlineData("http://localhost:5080", true)]
    [InlineData("http://[::1]:5080", true)]
    [InlineData("http://127.0.0.1:1;http://[::1]:2", true)]
    [InlineData("http://0.0.0.0:5080", false)]
    [InlineData("http://*:5080", false)]
    [InlineData("http://+:5080", false)]
    [InlineData("http://[::]:5080", false)]
    [InlineData("http://192.168.1.20:5080", false)]
    [InlineData("http://127.0.0.1:1;http://10.0.0.1:2", false)]
    public void Refusal_WithoutAccessControl_AllowsLoopbackOnly(string urls, bool allowed)
    {
        var refusal = BindAddressGuard.Refusal(urls.Split(';'), new AccessOptions());

        Assert.Equal(allowed, refusal is null);
    }

    [Fact]
    public void Refusal_WithAccessControl_AllowsAnyAddress()
    {
        var access = new AccessOptions { ApiKeys = [new ApiKeyOptions { Hash = Access.ApiKeyHash.Compute("k") }] };

        Assert.Null(BindAddressGuard.Refusal(["http://0.0.0.0:5080"], access));
    }
}
