using Baton.History;

namespace Baton.Silo.Tests;

/// <summary>What a history that survived crashes must show: nothing recorded twice.</summary>
internal static class HistoryAssert
{
    /// <summary>No call recorded twice, no call answered twice, one start and one completion.</summary>
    public static void NoEventTwice(string id, IReadOnlyList<HistoryEvent> history)
    {
        var steps = history.OfType<IStepEvent>().GroupBy(e => (e.GetType(), e.StepId)).Where(g => g.Count() > 1).ToList();
        Assert.True(steps.Count == 0, $"{id}: recorded twice: {string.Join(", ", steps.Select(g => g.Key))}");
        var answers = history.OfType<IStepAnswer>().GroupBy(e => e.StepId).Where(g => g.Count() > 1).ToList();
        Assert.True(answers.Count == 0, $"{id}: answered twice: {string.Join(", ", answers.Select(g => g.Key))}");
        Assert.Single(history, e => e is WorkflowStarted);
        Assert.Single(history, e => e is WorkflowCompleted);
    }
}
