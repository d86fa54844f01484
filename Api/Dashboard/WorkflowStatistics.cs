using Baton.Grains.Registry;

namespace Baton.Api.Dashboard;

/// <summary>
/// Each registered workflow version's figures: counts by status from the store (exact, over every instance), and from its latest
/// finished instances (a bounded sample, so that the page stays quick over millions) the duration percentiles, the share
/// of time working versus waiting, and retries that recovered versus failed.
/// </summary>
internal sealed class WorkflowStatistics(WorkflowRegistry registry, IServiceProvider services, TimeProvider time)
{
    // Where a silo runs here, it knows which workflows each namespace runs; a front end without one lists them all.
    private readonly NamespaceCatalog? _namespaces = services.GetService<NamespaceCatalog>();

    /// <summary>Finished instances read per workflow for durations.</summary>
    public const int DurationSample = 200;

    /// <summary>Finished instances whose histories are read per workflow for working-versus-waiting and retries.</summary>
    public const int HistorySample = 25;

    /// <summary>The figures of the namespace's workflows.</summary>
    /// <param name="namespaceName">The namespace (canonical).</param>
    /// <param name="client">Its client.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    public async Task<IReadOnlyList<WorkflowFigures>> ReadAsync(string namespaceName, IWorkflowClient client, CancellationToken cancellationToken)
    {
        var figures = new List<WorkflowFigures>();
        foreach (var workflow in registry.Workflows.Where(w => _namespaces?.Runs(namespaceName, w.Name) ?? true)
            .OrderBy(w => w.Name, StringComparer.Ordinal).ThenBy(w => w.Version))
        {
            var counts = await client.CountByStatusAsync(new WorkflowQuery { Name = workflow.Name, Version = workflow.Version }, cancellationToken);
            long Count(WorkflowRuntimeStatus status) => counts.TryGetValue(status, out var n) ? n : 0;
            var finished = (await client.ListAsync(new WorkflowQuery
            {
                Name = workflow.Name,
                Version = workflow.Version,
                Statuses = [WorkflowRuntimeStatus.Completed, WorkflowRuntimeStatus.Failed, WorkflowRuntimeStatus.Terminated],
                PageSize = DurationSample,
            }, cancellationToken)).Items;
            var durations = finished.Where(s => s.CompletedAt is not null).Select(s => (s.CompletedAt!.Value - s.CreatedAt).TotalMilliseconds).Order().ToList();

            double working = 0, waiting = 0, total = 0;
            int recovered = 0, exhausted = 0;
            foreach (var instance in finished.Take(HistorySample))
            {
                var history = await client.GetStatusAsync(instance.InstanceId, includeHistory: true, cancellationToken);
                if (history?.History is null)
                {
                    continue; // purged since it was listed
                }

                var timeline = InstanceTimeline.Build(history, history.History, time.GetUtcNow().UtcDateTime);
                (working, waiting, total) = (working + timeline.WorkingMs, waiting + timeline.WaitingMs, total + timeline.TotalMs);
                (recovered, exhausted) = (recovered + timeline.RetriesRecovered, exhausted + timeline.RetriesExhausted);
            }

            var completed = Count(WorkflowRuntimeStatus.Completed);
            var failed = Count(WorkflowRuntimeStatus.Failed);
            var started = counts.Values.Sum();
            figures.Add(new WorkflowFigures(
                workflow.Name,
                workflow.Version,
                started,
                Count(WorkflowRuntimeStatus.Running) + Count(WorkflowRuntimeStatus.Pending) + Count(WorkflowRuntimeStatus.Suspended),
                completed,
                failed,
                Count(WorkflowRuntimeStatus.Terminated),
                completed + failed == 0 ? null : (double)completed / (completed + failed),
                Percentile(durations, 0.50),
                Percentile(durations, 0.95),
                durations.Count,
                total == 0 ? null : working / total,
                total == 0 ? null : waiting / total,
                recovered,
                exhausted));
        }

        return figures;
    }

    private static double? Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? null : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}

/// <summary>One workflow version's figures.</summary>
/// <param name="Name">The workflow's name.</param>
/// <param name="Version">The version.</param>
/// <param name="Started">Instances in the store (any status); purged ones are gone from every count.</param>
/// <param name="Live">Pending, running or suspended now.</param>
/// <param name="Completed">Completed.</param>
/// <param name="Failed">Failed.</param>
/// <param name="Terminated">Terminated.</param>
/// <param name="CompletionRate">Completed out of completed and failed.</param>
/// <param name="P50Ms">The median duration of the latest finished instances.</param>
/// <param name="P95Ms">Their 95th percentile.</param>
/// <param name="DurationSample">How many finished instances the percentiles are over.</param>
/// <param name="WorkingShare">The share of the sampled instances' time spent with an activity or child running.</param>
/// <param name="WaitingShare">The share spent waiting on timers, events, callbacks or retry back-offs.</param>
/// <param name="RetriesRecovered">In the sample, activity calls that recovered on a retry.</param>
/// <param name="RetriesExhausted">In the sample, activity calls that were retried and still failed.</param>
internal sealed record WorkflowFigures(
    string Name, int Version, long Started, long Live, long Completed, long Failed, long Terminated,
    double? CompletionRate, double? P50Ms, double? P95Ms, int DurationSample, double? WorkingShare, double? WaitingShare,
    int RetriesRecovered, int RetriesExhausted);
