using Baton.Api.Access;

namespace Baton.Api.Tests;

/// <summary>The API with access control on: a reader key, an operator key and an HS256 JWT signing key.</summary>
public sealed class SecuredApiFactory : BatonApiFactory
{
    public const string ReaderKey = "reader-key-0123456789abcdef";
    public const string OperatorKey = "operator-key-0123456789abcdef";
    public const string JwtKey = "a-test-signing-key-of-at-least-32-bytes!";

    protected override IReadOnlyDictionary<string, string> Settings => AccessSettings;

    /// <summary>The settings that turn access control on with those keys.</summary>
    public static IReadOnlyDictionary<string, string> AccessSettings { get; } = new Dictionary<string, string>
    {
        ["Baton:Api:Access:ApiKeys:0:Name"] = "dashboard",
        ["Baton:Api:Access:ApiKeys:0:Hash"] = ApiKeyHash.Compute(ReaderKey),
        ["Baton:Api:Access:ApiKeys:0:Role"] = "Reader",
        ["Baton:Api:Access:ApiKeys:1:Name"] = "ops",
        ["Baton:Api:Access:ApiKeys:1:Hash"] = ApiKeyHash.Compute(OperatorKey),
        ["Baton:Api:Access:ApiKeys:1:Role"] = "Operator",
        ["Baton:Api:Access:Jwt:SigningKey"] = JwtKey,
        ["Baton:Api:Access:Jwt:Issuer"] = "https://login.example",
        ["Baton:Api:Access:Jwt:Audience"] = "baton",
    };
}
