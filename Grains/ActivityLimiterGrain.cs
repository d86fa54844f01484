using Microsoft.Extensions.DependencyInjection;
using Orleans.Concurrency;

namespace Baton.Grains;

/// <summary>
/// One cluster-wide activity limit. Permits are leases of <see cref="Lease"/> that holders renew every
/// <see cref="RenewEvery"/>; requests wait in arrival order. Its state lives in memory only: an activation that starts
/// (first use, or after its silo died) grants nothing for one lease, while the silos' renewals tell it which permits are
/// out and the latest start they were given, so that neither the concurrency nor the rate is exceeded across the move.
/// Reentrant: waiting requests hold calls open while releases and renewals come in.
/// </summary>
[Reentrant]
internal sealed class ActivityLimiterGrain([FromKeyedServices(BatonClock.ServiceKey)] TimeProvider time) : Grain, IActivityLimiterGrain
{
    /// <summary>How long a permit or a waiting request lasts without a renewal.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(3);

    /// <summary>How often holders renew what they hold.</summary>
    public static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(1);

    private readonly Dictionary<Guid, Permit> _permits = new();
    private readonly LinkedList<Waiter> _waiters = new();
    private readonly Dictionary<Guid, LinkedListNode<Waiter>> _waiting = new();
    private DateTime _warmUntil;
    private DateTime _nextStart;
    private int? _maxConcurrent;
    private double? _perSecond;

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _warmUntil = _nextStart = Now + Lease;
        this.RegisterGrainTimer(Sweep, new GrainTimerCreationOptions(RenewEvery / 2, RenewEvery / 2) { Interleave = true });
        return Task.CompletedTask;
    }

    public async Task<PermitGrant> AcquireAsync(PermitRequest request)
    {
        (_maxConcurrent, _perSecond) = (request.MaxConcurrent, request.PerSecond);
        if (_permits.TryGetValue(request.PermitId, out var held))
        {
            return new PermitGrant { Granted = true, NotBefore = held.NotBefore }; // Granted while its holder was not waiting on a call.
        }

        if (!_waiting.TryGetValue(request.PermitId, out var node))
        {
            if (Now >= _warmUntil && _waiters.Count == 0 && HasRoom)
            {
                return Grant(request.PermitId);
            }

            node = _waiters.AddLast(new Waiter(request.PermitId));
            _waiting[request.PermitId] = node;
        }

        var waiter = node.Value;
        waiter.LastSeen = Now;
        DelayDeactivation(request.MaxWait + Lease);
        await Task.WhenAny(waiter.Granted.Task, Task.Delay(request.MaxWait, time));
        return waiter.Granted.Task.IsCompleted ? await waiter.Granted.Task : new PermitGrant { Granted = false };
    }

    public Task ReleaseAsync(Guid permitId)
    {
        if (_waiting.Remove(permitId, out var node))
        {
            _waiters.Remove(node);
        }

        if (_permits.Remove(permitId))
        {
            Pump();
        }

        return Task.CompletedTask;
    }

    public Task RenewAsync(Guid[] held, Guid[] waiting, DateTime latestStart)
    {
        var now = Now;
        var warming = now < _warmUntil;
        foreach (var id in held)
        {
            if (_permits.TryGetValue(id, out var permit))
            {
                permit.LeaseEnd = now + Lease;
            }
            else if (warming)
            {
                // Granted by an earlier activation: it is still out, and counts.
                _permits[id] = new Permit(latestStart) { LeaseEnd = now + Lease };
            }
        }

        foreach (var id in waiting)
        {
            if (_waiting.TryGetValue(id, out var node))
            {
                node.Value.LastSeen = now;
            }
            else if (_permits.TryGetValue(id, out var granted))
            {
                granted.LeaseEnd = now + Lease; // Granted between its holder's calls: kept until the holder asks again.
            }
            else if (warming)
            {
                // Waiting at an earlier activation: it waits here, behind those already in line.
                _waiting[id] = _waiters.AddLast(new Waiter(id) { LastSeen = now });
            }
        }

        if (warming && _perSecond is { } rate && latestStart + TimeSpan.FromSeconds(1 / rate) > _nextStart)
        {
            _nextStart = latestStart + TimeSpan.FromSeconds(1 / rate);
        }

        return Task.CompletedTask;
    }

    public Task<LimitUsage> GetUsageAsync() => Task.FromResult(new LimitUsage { Running = _permits.Count, Waiting = _waiters.Count });

    private bool HasRoom => _maxConcurrent is not { } max || _permits.Count < max;

    private PermitGrant Grant(Guid permitId)
    {
        var now = Now;
        var start = now;
        if (_perSecond is { } rate)
        {
            start = _nextStart > now ? _nextStart : now;
            _nextStart = start + TimeSpan.FromSeconds(1 / rate);
        }

        _permits[permitId] = new Permit(start) { LeaseEnd = (start > now ? start : now) + Lease };
        return new PermitGrant { Granted = true, NotBefore = start };
    }

    /// <summary>Lets lapsed permits and abandoned requests go, and grants what that makes room for.</summary>
    private Task Sweep(CancellationToken cancellationToken)
    {
        var now = Now;
        foreach (var (id, permit) in _permits.Where(p => p.Value.LeaseEnd < now).ToList())
        {
            _permits.Remove(id);
        }

        for (var node = _waiters.First; node is not null;)
        {
            var next = node.Next;
            if (node.Value.LastSeen + Lease < now)
            {
                _waiters.Remove(node);
                _waiting.Remove(node.Value.PermitId);
            }

            node = next;
        }

        Pump();
        return Task.CompletedTask;
    }

    private void Pump()
    {
        while (Now >= _warmUntil && HasRoom && _waiters.First is { } first)
        {
            _waiters.RemoveFirst();
            _waiting.Remove(first.Value.PermitId);
            first.Value.Granted.TrySetResult(Grant(first.Value.PermitId));
        }
    }

    private sealed class Permit(DateTime notBefore)
    {
        public DateTime NotBefore { get; } = notBefore;

        public DateTime LeaseEnd { get; set; }
    }

    private sealed class Waiter(Guid permitId)
    {
        public Guid PermitId { get; } = permitId;

        public DateTime LastSeen { get; set; }

        public TaskCompletionSource<PermitGrant> Granted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
