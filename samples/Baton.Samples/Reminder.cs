namespace Baton.Samples;

/// <summary>Durable timer: waits (surviving restarts, costing no memory while it waits), then sends the reminder.</summary>
public sealed class Reminder : Workflow<ReminderRequest, string>
{
    public override async Task<string> RunAsync(IWorkflowContext context, ReminderRequest request)
    {
        var due = context.CurrentUtcDateTime.AddSeconds(request.DelaySeconds);
        await context.CreateTimer(due);
        return await context.CallActivityAsync<string>(nameof(SendReminder), request.Message);
    }
}

/// <summary>"Sends" a reminder: stamps it with the time it went out.</summary>
public sealed class SendReminder : Activity<string, string>
{
    public override Task<string> RunAsync(ActivityContext context, string message) =>
        Task.FromResult($"{message} (sent {DateTime.UtcNow:O})");
}
