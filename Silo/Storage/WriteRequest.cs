namespace Baton.Silo.Storage;

/// <summary>A write queued for a store's writer thread: run inside its transaction, then settled once the transaction commits or fails.</summary>
/// <typeparam name="TWriter">The writer the work runs on.</typeparam>
internal abstract class WriteRequest<TWriter>
{
    /// <summary>How many times the work was rolled back or put back for another transaction (see <see cref="PutBack"/>).</summary>
    public int Attempts { get; set; }

    /// <summary>
    /// Puts the writes of a lost transaction that had not run yet back for the next one: the loss was not theirs. A write
    /// put back too often fails with <paramref name="cause"/> instead, so that a store that keeps losing transactions
    /// cannot hold it forever.
    /// </summary>
    /// <param name="batch">The lost transaction's writes.</param>
    /// <param name="from">The index of the first that had not run.</param>
    /// <param name="cause">Why the transaction was lost.</param>
    /// <param name="next">The writes for the next transaction.</param>
    public static void PutBack(List<WriteRequest<TWriter>> batch, int from, Exception cause, List<WriteRequest<TWriter>> next)
    {
        for (var i = from; i < batch.Count; i++)
        {
            if (batch[i].Attempts++ < MaxPutBacks)
            {
                next.Add(batch[i]);
            }
            else
            {
                batch[i].Fail(cause);
            }
        }
    }

    private const int MaxPutBacks = 8;

    public abstract void Run(TWriter writer);

    /// <summary>Forgets the result of a run that was rolled back, before it runs again.</summary>
    public abstract void Reset();

    public abstract void Succeed();

    public abstract void Fail(Exception exception);
}

/// <summary>A write whose caller awaits its result.</summary>
internal sealed class WriteRequest<TWriter, T>(Func<TWriter, T> work) : WriteRequest<TWriter>
{
    private T? _result;

    public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override void Run(TWriter writer) => _result = work(writer);

    public override void Reset() => _result = default;

    public override void Succeed() => Completion.TrySetResult(_result!);

    public override void Fail(Exception exception) => Completion.TrySetException(exception);
}
