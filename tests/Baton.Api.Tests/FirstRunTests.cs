using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Baton.Api.Tests;

/// <summary>What a new user meets on the first start: nothing written outside the data folder, no warnings about it.</summary>
public sealed class FirstRunTests(BatonApiFactory factory) : IClassFixture<BatonApiFactory>
{
    [Fact]
    public void DataProtection_MakesNoKeyRingOnStart_AndKeepsAnyKeysInMemory()
    {
        // ASP.NET Core's hosted service would write a key ring under ~/.aspnet on start and warn that it is unencrypted.
        var hosted = factory.Services.GetServices<IHostedService>().Select(s => s.GetType().FullName!).ToList();
        Assert.DoesNotContain(hosted, name => name.StartsWith("Microsoft.AspNetCore.DataProtection", StringComparison.Ordinal));
        Assert.IsType<EphemeralDataProtectionProvider>(factory.Services.GetRequiredService<IDataProtectionProvider>());
    }
}
