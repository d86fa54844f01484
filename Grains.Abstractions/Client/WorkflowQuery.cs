namespace Baton;

/// <summary>Filters and paging for <see cref="IWorkflowClient.ListAsync"/>. Every filter is optional; they combine with AND.</summary>
public sealed record WorkflowQuery
{
    /// <summary>Only instances of this workflow name. Default: any.</summary>
    public string? Name { get; init; }

    /// <summary>Only instances of this version of the workflow (see <see cref="WorkflowStatus.Version"/>). Default: any.</summary>
    public int? Version { get; init; }

    /// <summary>Only instances in one of these states. Default: any.</summary>
    public IReadOnlyCollection<WorkflowRuntimeStatus>? Statuses { get; init; }

    /// <summary>Only instances created at or after this time (UTC). Default: no bound.</summary>
    public DateTime? CreatedFrom { get; init; }

    /// <summary>Only instances created before this time (UTC). Default: no bound.</summary>
    public DateTime? CreatedTo { get; init; }

    /// <summary>Only instances whose id starts with this text. Default: any.</summary>
    public string? InstanceIdPrefix { get; init; }

    /// <summary>Only instances whose custom status equals this value (compared as JSON; a string matches a string status). Default: any.</summary>
    public string? CustomStatus { get; init; }

    /// <summary>The page size, 1 to 1,000. Default: 100.</summary>
    public int PageSize { get; init; } = 100;

    /// <summary>List the oldest instances first rather than the newest. A continuation token continues in the order it was issued in.</summary>
    public bool OldestFirst { get; init; }

    /// <summary>The token from the previous page's <see cref="WorkflowPage.ContinuationToken"/>; null for the first page.</summary>
    public string? ContinuationToken { get; init; }

    /// <summary>The namespace (canonical) the client that runs the query works in, set by that client; null where there is only the default one.</summary>
    internal string? Namespace { get; init; }
}

/// <summary>One page of a listing, newest instances first (oldest first with <see cref="WorkflowQuery.OldestFirst"/>).</summary>
/// <param name="Items">The instances on this page (without history).</param>
/// <param name="ContinuationToken">The token for the next page, or null when this is the last.</param>
public sealed record WorkflowPage(IReadOnlyList<WorkflowStatus> Items, string? ContinuationToken);

/// <summary>Which finished instances <see cref="IWorkflowClient.PurgeAsync(PurgeQuery, CancellationToken)"/> deletes. Filters combine with AND.</summary>
public sealed record PurgeQuery
{
    /// <summary>Only instances of this workflow name. Default: any.</summary>
    public string? Name { get; init; }

    /// <summary>Only instances in these finished states (completed, failed, terminated). Default: all three.</summary>
    public IReadOnlyCollection<WorkflowRuntimeStatus>? Statuses { get; init; }

    /// <summary>Only instances created at or after this time (UTC). Default: no bound.</summary>
    public DateTime? CreatedFrom { get; init; }

    /// <summary>Only instances created before this time (UTC). Default: no bound.</summary>
    public DateTime? CreatedTo { get; init; }

    /// <summary>Only instances whose id starts with this text. Default: any.</summary>
    public string? InstanceIdPrefix { get; init; }

    /// <summary>The namespace (canonical) the client that runs the purge works in, set by that client; null where there is only the default one.</summary>
    internal string? Namespace { get; init; }
}
