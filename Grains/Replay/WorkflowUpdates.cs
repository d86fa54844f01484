using System.Text.Json;
using Baton.History;
using Baton.Serialization;

namespace Baton.Grains.Replay;

/// <summary>A declared update: the handler's input type, the handler and the optional validator, with inputs as objects.</summary>
internal sealed record UpdateHandler(Type InputType, Func<object?, Task<object?>> Run, Action<object?>? Validate);

/// <summary>
/// The updates of one instance's run: the handlers the workflow declared, the accepted updates whose handlers still run
/// (in the order they were accepted), and the outcomes recorded so far, by update id, so that a second request with an
/// id is answered rather than run again.
/// </summary>
internal sealed class WorkflowUpdates(string instanceId)
{
    private readonly Dictionary<string, UpdateHandler> _handlers = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(string Id, Task<object?> Task)> _running = [];
    private readonly Dictionary<string, UpdateOutcome> _outcomes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _accepted = new(StringComparer.Ordinal);

    public void Declare(string name, UpdateHandler handler)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _handlers[name] = handler;
    }

    /// <summary>Notes that an update with this id was accepted in this run, before its handler starts.</summary>
    public void MarkAccepted(string updateId) => _accepted.Add(updateId);

    public bool HasRunning => _running.Count > 0;

    /// <summary>The recorded outcome of an accepted update, or one that says it still runs; null when the id is unknown.</summary>
    public UpdateOutcome? Outcome(string updateId) =>
        _outcomes.TryGetValue(updateId, out var outcome) ? outcome : _accepted.Contains(updateId) ? new UpdateOutcome(updateId, false) : null;

    /// <summary>Checks an update against the declared handlers and the validator, and returns its input read as the handler's type.</summary>
    /// <exception cref="UpdateNotFoundException">No handler of that name.</exception>
    /// <exception cref="UpdateRejectedException">The input does not read as the handler's type, or the validator threw.</exception>
    public object? Validate(string name, string? input)
    {
        var handler = Find(name);
        var value = Read(name, handler, input);
        try
        {
            handler.Validate?.Invoke(value);
        }
        catch (Exception ex)
        {
            throw new UpdateRejectedException(instanceId, name, ex.Message);
        }

        return value;
    }

    /// <summary>
    /// Starts the handler of an accepted update on the workflow's scheduler. False when the workflow declares no handler
    /// of its name (on replay, a divergence); the update then fails.
    /// </summary>
    public bool Accept(UpdateAccepted accepted, Func<Func<Task<object?>>, Task<object?>> runOnWorkflow)
    {
        _accepted.Add(accepted.UpdateId);
        Task<object?> task;
        var found = _handlers.TryGetValue(accepted.Name, out var handler);
        try
        {
            var value = Read(accepted.Name, Find(accepted.Name), accepted.Input);
            task = runOnWorkflow(() => handler!.Run(value));
        }
        catch (BatonException ex)
        {
            task = Task.FromException<object?>(ex);
        }

        _running.Add((accepted.UpdateId, task));
        return found;
    }

    /// <summary>Takes the handlers that have finished since the last look, in acceptance order, as the events that record them.</summary>
    public List<HistoryEvent>? TakeFinished(long maxPayloadBytes)
    {
        List<HistoryEvent>? finished = null;
        for (var i = 0; i < _running.Count; i++)
        {
            var (id, task) = _running[i];
            if (!task.IsCompleted)
            {
                continue;
            }

            _running.RemoveAt(i--);
            var recorded = Outcome(id, task, maxPayloadBytes);
            Record(recorded);
            (finished ??= []).Add(recorded);
        }

        return finished;
    }

    /// <summary>Ends every running handler with <paramref name="reason"/> (the run ended first), as the events that record it.</summary>
    public List<HistoryEvent> AbandonRunning(string reason)
    {
        var abandoned = _running.Select(r => (HistoryEvent)new UpdateFailed(r.Id, new FailureDetails("Baton.UpdateAbandoned", reason))).ToList();
        _running.Clear();
        abandoned.ForEach(Record);
        return abandoned;
    }

    /// <summary>Notes an update's recorded end (from history on replay, or as it is made).</summary>
    public void Record(HistoryEvent e)
    {
        var outcome = Ended(e) ?? throw new ArgumentException($"{e.GetType().Name} does not end an update.", nameof(e));
        _running.RemoveAll(r => r.Id == outcome.UpdateId);
        _accepted.Add(outcome.UpdateId);
        _outcomes[outcome.UpdateId] = outcome;
    }

    /// <summary>The outcome an event records, when it ends an update (<see cref="UpdateCompleted"/>, <see cref="UpdateFailed"/>); null otherwise.</summary>
    public static UpdateOutcome? Ended(HistoryEvent e) => e switch
    {
        UpdateCompleted c => new UpdateOutcome(c.UpdateId, true, c.Result),
        UpdateFailed f => new UpdateOutcome(f.UpdateId, true, null, f.Failure),
        _ => null,
    };

    private UpdateHandler Find(string name) =>
        _handlers.TryGetValue(name, out var handler)
            ? handler
            : throw new UpdateNotFoundException(instanceId, name, string.Join(", ", _handlers.Keys.Order(StringComparer.Ordinal)));

    private object? Read(string name, UpdateHandler handler, string? input)
    {
        object? value;
        try
        {
            value = BatonJson.Deserialize(input, handler.InputType);
        }
        catch (JsonException ex)
        {
            throw new UpdateRejectedException(instanceId, name, $"the input does not read as {handler.InputType.Name}: {ex.Message}");
        }

        if (value is null && handler.InputType.IsValueType && Nullable.GetUnderlyingType(handler.InputType) is null)
        {
            throw new UpdateRejectedException(instanceId, name, $"the update needs an input of type {handler.InputType.Name}.");
        }

        return value;
    }

    private static HistoryEvent Outcome(string id, Task<object?> task, long maxPayloadBytes)
    {
        if (task.Status != TaskStatus.RanToCompletion)
        {
            return new UpdateFailed(id, FailureDetails.FromException(task.Exception?.InnerException ?? new TaskCanceledException()));
        }

        try
        {
            var json = JsonSerializer.Serialize(task.Result, BatonJson.Options);
            PayloadLimit.Check(json, maxPayloadBytes, $"the result of update '{id}'");
            return new UpdateCompleted(id, json);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or PayloadTooLargeException)
        {
            return new UpdateFailed(id, FailureDetails.FromException(ex));
        }
    }
}
