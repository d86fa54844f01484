namespace Baton.Grains;

/// <summary>
/// One cluster-wide activity limit (key <c>activity/{name}</c> or <c>queue/{name}</c>): it hands out permits, at most
/// the limit's concurrency at once, each with a start time that spaces starts to its rate. A permit is a lease that its
/// holder renews; one whose holder stops renewing (its silo died) lapses, so a dead silo's permits come back.
/// </summary>
[Alias("Baton.IActivityLimiterGrain")]
public interface IActivityLimiterGrain : IGrainWithStringKey
{
    /// <summary>
    /// Asks for a permit and waits at most <see cref="PermitRequest.MaxWait"/> for one; asked again with the same id, the
    /// request keeps its place in the line.
    /// </summary>
    /// <param name="request">The permit's id, the limit and how long to wait.</param>
    /// <returns>Whether it was granted, and from when its holder may start.</returns>
    [Alias("Acquire")]
    Task<PermitGrant> AcquireAsync(PermitRequest request);

    /// <summary>Gives a permit back (its execution ended), or withdraws a request still waiting.</summary>
    /// <param name="permitId">The permit's id.</param>
    /// <returns>A task that completes once it is given back.</returns>
    [Alias("Release")]
    Task ReleaseAsync(Guid permitId);

    /// <summary>Extends the leases of permits held and requests waiting; after the limiter moved, it learns of them from this.</summary>
    /// <param name="held">The permits a silo holds here.</param>
    /// <param name="waiting">The requests it has waiting here.</param>
    /// <param name="latestStart">The latest start time of its permits, so that a limiter that moved spaces new starts after it.</param>
    /// <returns>A task that completes once they are renewed.</returns>
    [Alias("Renew")]
    Task RenewAsync(Guid[] held, Guid[] waiting, DateTime latestStart);

    /// <summary>
    /// How many permits are out and how many requests wait, for operators (the dashboard, <c>GET /api/limits</c>). A read
    /// activates an idle limiter, which then grants nothing for one lease, as every activation does.
    /// </summary>
    /// <returns>The counts now.</returns>
    [Alias("GetUsage")]
    Task<LimitUsage> GetUsageAsync();
}

/// <summary>What an <see cref="IActivityLimiterGrain"/> holds now.</summary>
[GenerateSerializer]
[Alias("Baton.LimitUsage")]
public sealed class LimitUsage
{
    /// <summary>Permits out: executions running, or about to start at the time the rate gave them.</summary>
    [Id(0)]
    public int Running { get; init; }

    /// <summary>Requests waiting in line for a permit.</summary>
    [Id(1)]
    public int Waiting { get; init; }
}

/// <summary>A request for a permit of an <see cref="IActivityLimiterGrain"/>.</summary>
[GenerateSerializer]
[Alias("Baton.PermitRequest")]
public sealed class PermitRequest
{
    /// <summary>The permit's id, the same on every call for it.</summary>
    [Id(0)]
    public required Guid PermitId { get; init; }

    /// <summary>The most permits out at once; null for no limit.</summary>
    [Id(1)]
    public int? MaxConcurrent { get; init; }

    /// <summary>The most starts a second; null for no limit.</summary>
    [Id(2)]
    public double? PerSecond { get; init; }

    /// <summary>How long the call may wait for a permit before it answers without one.</summary>
    [Id(3)]
    public TimeSpan MaxWait { get; init; }
}

/// <summary>The answer to a <see cref="PermitRequest"/>.</summary>
[GenerateSerializer]
[Alias("Baton.PermitGrant")]
public sealed class PermitGrant
{
    /// <summary>Whether the permit was granted; if not, ask again with the same id.</summary>
    [Id(0)]
    public bool Granted { get; init; }

    /// <summary>When the holder may start (UTC), as the rate spaces starts.</summary>
    [Id(1)]
    public DateTime NotBefore { get; init; }
}
