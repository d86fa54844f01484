using Baton.History;

namespace Baton.Grains.Replay;

/// <summary>
/// The outside events an instance holds: those no wait has taken yet (kept in arrival order) and the waits
/// not yet answered (first come, first served per name). Names compare case-insensitively.
/// </summary>
internal sealed class EventInbox
{
    private readonly List<EventRaised> _buffered = new();
    private readonly Dictionary<string, LinkedList<IPendingEventWait>> _waiters = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Events that no wait has taken, oldest first.</summary>
    public IReadOnlyList<EventRaised> Buffered => _buffered;

    public bool TryTakeBuffered(string name, out EventRaised raised)
    {
        var index = _buffered.FindIndex(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase));
        if (index < 0)
        {
            raised = null!;
            return false;
        }

        raised = _buffered[index];
        _buffered.RemoveAt(index);
        return true;
    }

    public void Buffer(EventRaised raised) => _buffered.Add(raised);

    public void AddWaiter(IPendingEventWait wait)
    {
        if (!_waiters.TryGetValue(wait.Name, out var queue))
        {
            queue = new LinkedList<IPendingEventWait>();
            _waiters.Add(wait.Name, queue);
        }

        queue.AddLast(wait);
    }

    public IPendingEventWait? TakeWaiter(string name)
    {
        if (!_waiters.TryGetValue(name, out var queue) || queue.First is not { } first)
        {
            return null;
        }

        queue.RemoveFirst();
        return first.Value;
    }

    public void RemoveWaiter(IPendingEventWait wait)
    {
        if (_waiters.TryGetValue(wait.Name, out var queue))
        {
            queue.Remove(wait);
        }
    }

    public void Clear()
    {
        _buffered.Clear();
        _waiters.Clear();
    }
}
