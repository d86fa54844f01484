namespace Baton.Silo.Storage;

/// <summary>A write queued for a store's writer thread: run inside its transaction, then settled once the transaction commits or fails.</summary>
/// <typeparam name="TWriter">The writer the work runs on.</typeparam>
internal abstract class WriteRequest<TWriter>
{
    /// <summary>How many times the work was run and rolled back for a retry.</summary>
    public int Attempts { get; set; }

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
