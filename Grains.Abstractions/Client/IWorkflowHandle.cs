namespace Baton;

/// <summary>
/// One instance of the workflow class <typeparamref name="TWorkflow"/>, reached through an <see cref="IWorkflowClient"/>. Its
/// typed operations (<see cref="WorkflowHandleExtensions"/>) take and return the workflow's own input and output types, so
/// that callers never spell a workflow name or cast an output by hand. Get one with
/// <see cref="WorkflowHandleExtensions.GetWorkflow{TWorkflow}(IWorkflowClient, string, string?)"/>.
/// </summary>
/// <typeparam name="TWorkflow">The workflow class (deriving from <see cref="Workflow{TInput, TOutput}"/>).</typeparam>
public interface IWorkflowHandle<out TWorkflow>
    where TWorkflow : class
{
    /// <summary>The instance id.</summary>
    string InstanceId { get; }

    /// <summary>The workflow's registered name.</summary>
    string WorkflowName { get; }

    /// <summary>The client the handle calls.</summary>
    IWorkflowClient Client { get; }
}
