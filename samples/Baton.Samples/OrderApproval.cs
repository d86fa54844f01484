namespace Baton.Samples;

/// <summary>
/// Human in the loop: orders of 1,000 or more wait (durably, for up to three days) for an <c>approval</c> event; smaller
/// ones are approved at once. The custom status tells a dashboard what the order waits for.
/// </summary>
public sealed class OrderApproval : Workflow<OrderRequest, string>
{
    /// <summary>Orders from this amount up need a person's approval.</summary>
    public const decimal ApprovalThreshold = 1000m;

    public override async Task<string> RunAsync(IWorkflowContext context, OrderRequest order)
    {
        if (order.Amount >= ApprovalThreshold)
        {
            context.SetCustomStatus("awaiting-approval");
            ApprovalDecision decision;
            try
            {
                decision = await context.WaitForEventAsync<ApprovalDecision>("approval", TimeSpan.FromDays(3));
            }
            catch (EventTimeoutException)
            {
                return "expired";
            }

            if (!decision.Approved)
            {
                context.SetCustomStatus("rejected");
                return $"rejected by {decision.By}";
            }

            context.SetCustomStatus("approved");
        }

        return await context.CallActivityAsync<string>(nameof(PlaceOrder), order);
    }
}

/// <summary>"Places" an order: answers with a confirmation line.</summary>
public sealed class PlaceOrder : Activity<OrderRequest, string>
{
    public override Task<string> RunAsync(ActivityContext context, OrderRequest order) =>
        Task.FromResult($"placed {order.Lines.Sum(l => l.Quantity)} item(s) for {order.CustomerEmail}, total {order.Amount}");
}
