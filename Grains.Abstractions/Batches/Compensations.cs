namespace Baton;

/// <summary>
/// The saga helper: register an undo for each step that completed, and on failure run them in reverse
/// order. Use it in workflow code; the undos are ordinary workflow calls (usually activities), so they
/// are durable and replayed like everything else.
/// </summary>
/// <example>
/// <code>
/// var saga = new Compensations();
/// try
/// {
///     var booking = await context.CallActivityAsync&lt;string&gt;("BookHotel", trip);
///     saga.Add(() => context.CallActivityAsync&lt;bool&gt;("CancelHotel", booking));
///     await context.CallActivityAsync&lt;string&gt;("ChargeCard", trip);
/// }
/// catch (ActivityFailedException)
/// {
///     await saga.CompensateAsync();
///     throw;
/// }
/// </code>
/// </example>
public sealed class Compensations
{
    private readonly List<Func<Task>> _undos = new();

    /// <summary>How many undos are registered.</summary>
    public int Count => _undos.Count;

    /// <summary>Registers the undo of a step that just completed.</summary>
    /// <param name="undo">The compensating work.</param>
    public void Add(Func<Task> undo)
    {
        ArgumentNullException.ThrowIfNull(undo);
        _undos.Add(undo);
    }

    /// <summary>Runs every registered undo, newest first, once; a failing undo does not stop the others.</summary>
    /// <returns>A task that completes when all undos have run.</returns>
    /// <exception cref="CompensationFailedException">One or more undos threw; it lists each failure.</exception>
    public async Task CompensateAsync()
    {
        var failures = new List<FailureDetails>();
        for (var i = _undos.Count - 1; i >= 0; i--)
        {
            try
            {
                await _undos[i]();
            }
            catch (Exception ex)
            {
                failures.Add(FailureDetails.FromException(ex));
            }
        }

        _undos.Clear();
        if (failures.Count > 0)
        {
            throw new CompensationFailedException(failures);
        }
    }
}
