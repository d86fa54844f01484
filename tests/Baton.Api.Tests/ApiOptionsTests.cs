using Baton.Api.Hosting;

namespace Baton.Api.Tests;

public sealed class ApiOptionsTests
{
    [Theory]
    [InlineData("a-test-signing-key-of-at-least-32-bytes!", "https://login.example", "Access.Jwt needs either")]
    [InlineData(null, null, "Access.Jwt needs either")]
    [InlineData("too-short", null, "Access.Jwt.SigningKey must be at least 32 bytes")]
    [InlineData(null, "not a url", "Access.Jwt.Authority must be an absolute URL")]
    public void Jwt_NeedsExactlyOneWayToCheckSignatures_AndSaysWhichOptionIsWrong(string? signingKey, string? authority, string message)
    {
        var options = new ApiOptions { Access = new AccessOptions { Jwt = new JwtOptions { SigningKey = signingKey, Authority = authority } } };

        var error = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Jwt_WithAnAuthorityAlone_IsValid()
    {
        new ApiOptions { Access = new AccessOptions { Jwt = new JwtOptions { Authority = "https://login.example/tenant" } } }.Validate();
    }

    [Fact]
    public void TheTaskHub_MayNotNameADeclaredNamespace()
    {
        var options = new ApiOptions { TaskHub = "Billing" };
        options.ValidateNamespaces(["lab"]);

        var error = Assert.Throws<InvalidOperationException>(() => options.ValidateNamespaces(["lab", "billing"]));

        Assert.Contains("Baton:Api:TaskHub must differ from every namespace's name", error.Message);
    }
}
