using Baton.Api.Http;
using Orleans.Runtime;

namespace Baton.Api.Tests;

public sealed class UnavailableClusterTests
{
    public static TheoryData<Exception> ClusterFailures => new()
    {
        new SiloUnavailableException("the silo is gone"),
        new Orleans.Runtime.Messaging.ConnectionFailedException("connection reset"),
        new TimeoutException("Response did not arrive on time"),
    };

    [Theory]
    [MemberData(nameof(ClusterFailures))]
    public void ACallThatTheClusterCouldNotAnswer_IsA503ToRetry_NotA500(Exception failure)
    {
        var problem = BatonProblems.For(failure)!;
        Assert.Equal(503, problem.Status);
        Assert.Equal("Unavailable", problem.Extensions[BatonProblems.ErrorCode]);
        Assert.Contains("retry", problem.Title, StringComparison.Ordinal);
    }
}
