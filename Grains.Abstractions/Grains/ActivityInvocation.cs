namespace Baton.Grains;

/// <summary>One activity call to run: the instance and step it answers, what to run, and its limits.</summary>
[GenerateSerializer]
[Alias("Baton.ActivityInvocation")]
public sealed class ActivityInvocation
{
    /// <summary>The workflow instance that called it.</summary>
    [Id(0)]
    public required string InstanceId { get; init; }

    /// <summary>The call's step in that instance's history.</summary>
    [Id(1)]
    public required int StepId { get; init; }

    /// <summary>The queue it runs on.</summary>
    [Id(2)]
    public required string Queue { get; init; }

    /// <summary>The registered activity name.</summary>
    [Id(3)]
    public required string Name { get; init; }

    /// <summary>The input as JSON, or null.</summary>
    [Id(4)]
    public string? Input { get; init; }

    /// <summary>Which delivery of the call this is (1 for the first).</summary>
    [Id(5)]
    public int Delivery { get; init; } = 1;

    /// <summary>How long one attempt may run, if limited.</summary>
    [Id(6)]
    public TimeSpan? StartToClose { get; init; }

    /// <summary>How long an attempt may go without a heartbeat, if limited.</summary>
    [Id(7)]
    public TimeSpan? HeartbeatTimeout { get; init; }

    /// <summary>The W3C trace parent of the turn that scheduled it, when traced.</summary>
    [Id(8)]
    public string? TraceParent { get; init; }
}
