using System.ComponentModel.DataAnnotations;

namespace Baton.Samples;

/// <summary>An order that needs a person's approval above a threshold.</summary>
public sealed record OrderRequest
{
    /// <summary>The customer's e-mail address.</summary>
    [Required, EmailAddress]
    public string CustomerEmail { get; init; } = "";

    /// <summary>The order total, between 0.01 and 1,000,000.</summary>
    [Range(0.01, 1_000_000)]
    public decimal Amount { get; init; }

    /// <summary>The order lines; at least one.</summary>
    [Required, MinLength(1)]
    public List<OrderLine> Lines { get; init; } = [];
}

/// <summary>One line of an order.</summary>
public sealed record OrderLine
{
    /// <summary>The product code.</summary>
    [Required, StringLength(32, MinimumLength = 1)]
    public string Sku { get; init; } = "";

    /// <summary>How many, 1 to 1,000.</summary>
    [Range(1, 1000)]
    public int Quantity { get; init; }
}

/// <summary>A person's decision on an order, raised as the event <c>approval</c>.</summary>
/// <param name="Approved">Whether the order may go ahead.</param>
/// <param name="By">Who decided.</param>
public sealed record ApprovalDecision(bool Approved, string By);

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
