namespace Baton.Silo.Storage.Postgres;

/// <summary>A write that is a fixed batch of statements, which the writer may send together with others.</summary>
internal interface IPipelinedWrite
{
    PostgresBatch Batch { get; }

    /// <summary>Reads the result from the statements once the batch has run.</summary>
    void Ran();
}

/// <summary>A queued batch and the result its caller awaits, read from the statements' rows after the run.</summary>
internal sealed class PipelinedWrite<T>(PostgresBatch batch, Func<T> result) : WriteRequest<PostgresWriter>, IPipelinedWrite
{
    private T? _value;

    public PostgresBatch Batch => batch;

    public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Ran() => _value = result();

    public override void Run(PostgresWriter writer)
    {
        writer.Run(batch);
        Ran();
    }

    public override void Reset() => _value = default;

    public override void Succeed() => Completion.TrySetResult(_value!);

    public override void Fail(Exception exception) => Completion.TrySetException(exception);
}
