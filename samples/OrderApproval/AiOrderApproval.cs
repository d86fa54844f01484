namespace Baton.Samples.AiOrders;

/// <summary>
/// AI order approval: a model scores the order's risk; low risk goes ahead, high risk is rejected, and the rest waits
/// for a reviewer's decision through a callback token (escalated to a second reviewer when the first does not answer in
/// time). An approved order reserves stock, charges the card (retrying transient failures only) and ships; when a step
/// fails for good, the steps already done are undone in reverse order. The custom status says what it waits for and holds
/// the callback token, for curl or a dashboard.
/// </summary>
public sealed class AiOrderApproval : Workflow<ShopOrder, OrderOutcome>
{
    /// <summary>Scores below this go ahead without review.</summary>
    public const int AutoApproveBelow = 30;

    /// <summary>Scores from this up are rejected without review.</summary>
    public const int RejectFrom = 80;

    private static readonly ActivityOptions Once = new() { StartToCloseTimeout = TimeSpan.FromSeconds(30) };

    private static readonly ActivityOptions Scoring = new()
    {
        StartToCloseTimeout = TimeSpan.FromSeconds(60),
        Retry = new RetryPolicy { MaxAttempts = 3, FirstRetryInterval = TimeSpan.FromSeconds(1) },
    };

    // A declined card is final; anything else the gateway throws (timeouts, 5xx) is worth another try.
    private static readonly ActivityOptions Charging = new()
    {
        StartToCloseTimeout = TimeSpan.FromSeconds(30),
        Retry = new RetryPolicy { MaxAttempts = 4, FirstRetryInterval = TimeSpan.FromMilliseconds(200), NonRetryableExceptions = [typeof(PaymentDeclinedException)] },
    };

    public override async Task<OrderOutcome> RunAsync(IWorkflowContext context, ShopOrder order)
    {
        context.SetCustomStatus(new { stage = "scoring" });
        var risk = await context.CallActivityAsync<RiskAssessment>(nameof(AssessRisk), order, Scoring);
        if (risk.Score >= RejectFrom)
        {
            context.SetCustomStatus(new { stage = "rejected", risk });
            return new OrderOutcome("rejected", $"risk {risk.Score}: {risk.Reason}", []);
        }

        if (risk.Score >= AutoApproveBelow)
        {
            var decision = await ReviewAsync(context, order, risk);
            if (!decision.Approved)
            {
                context.SetCustomStatus(new { stage = "rejected", risk, decision });
                return new OrderOutcome("rejected", $"declined by {decision.By}", []);
            }
        }

        return await FulfilAsync(context, order);
    }

    /// <summary>Waits for a reviewer; when none answers in time, for an escalation reviewer; when none answers either, rejects.</summary>
    private static async Task<ReviewDecision> ReviewAsync(IWorkflowContext context, ShopOrder order, RiskAssessment risk)
    {
        var review = context.CreateCallback<ReviewDecision>("review", new CallbackOptions { Timeout = order.ReviewTimeout });
        context.SetCustomStatus(new { stage = "awaiting-review", risk, token = review.Token });
        try
        {
            return await review.Result;
        }
        catch (CallbackTimeoutException)
        {
        }

        var escalation = context.CreateCallback<ReviewDecision>("escalation", new CallbackOptions { Timeout = order.EscalationTimeout });
        context.SetCustomStatus(new { stage = "escalated", risk, token = escalation.Token });
        try
        {
            return await escalation.Result;
        }
        catch (CallbackTimeoutException)
        {
            return new ReviewDecision(false, "nobody (the escalation timed out)");
        }
    }

    /// <summary>Reserve, charge, ship; on a final failure, undo what was done, newest first.</summary>
    private static async Task<OrderOutcome> FulfilAsync(IWorkflowContext context, ShopOrder order)
    {
        var undo = new Stack<(string Activity, string Input)>();
        try
        {
            context.SetCustomStatus(new { stage = "reserving" });
            var reservation = await context.CallActivityAsync<string>(nameof(ReserveStock), order, Once);
            undo.Push((nameof(ReleaseStock), reservation));

            context.SetCustomStatus(new { stage = "charging" });
            var payment = await context.CallActivityAsync<string>(nameof(ChargeCard), order, Charging);
            undo.Push((nameof(RefundCard), payment));

            context.SetCustomStatus(new { stage = "shipping" });
            var shipment = await context.CallActivityAsync<string>(nameof(ShipOrder), order, Once);
            context.SetCustomStatus(new { stage = "fulfilled", shipment });
            return new OrderOutcome("fulfilled", shipment, []);
        }
        catch (ActivityFailedException failed)
        {
            context.SetCustomStatus(new { stage = "compensating", failed = failed.Failure.Message });
            var undone = new List<string>();
            while (undo.TryPop(out var step))
            {
                await context.CallActivityAsync<string>(step.Activity, step.Input, Once);
                undone.Add(step.Activity);
            }

            return new OrderOutcome("compensated", failed.Failure.Message, undone);
        }
    }
}
