using System.ComponentModel.DataAnnotations;

namespace Baton.Samples.AiOrders;

/// <summary>An order to approve and fulfil.</summary>
public sealed record ShopOrder
{
    /// <summary>The order's id in the shop.</summary>
    [Required, StringLength(64, MinimumLength = 1)]
    public string OrderId { get; init; } = "";

    /// <summary>The customer's e-mail address.</summary>
    [Required, EmailAddress]
    public string CustomerEmail { get; init; } = "";

    /// <summary>Orders the customer placed before this one.</summary>
    [Range(0, 100_000)]
    public int PreviousOrders { get; init; }

    /// <summary>The order total.</summary>
    [Range(0.01, 1_000_000)]
    public decimal Amount { get; init; }

    /// <summary>The payment card token. The simulated gateway declines <c>tok_declined</c> and fails <c>tok_flaky</c> twice before it charges.</summary>
    [Required]
    public string CardToken { get; init; } = "";

    /// <summary>Where to ship. The simulated carrier refuses <c>nowhere</c>.</summary>
    [Required]
    public string ShipTo { get; init; } = "";

    /// <summary>How long a reviewer has to decide before the order is escalated. Default: 1 hour.</summary>
    public TimeSpan ReviewTimeout { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How long the escalation reviewer has before the order is rejected. Default: 1 day.</summary>
    public TimeSpan EscalationTimeout { get; init; } = TimeSpan.FromDays(1);
}

/// <summary>A risk score from 0 (safe) to 100 (fraud), and why.</summary>
/// <param name="Score">The score.</param>
/// <param name="Reason">Why, in a sentence.</param>
/// <param name="Source">What scored it: the model's name, or <c>rules</c> offline.</param>
public sealed record RiskAssessment(int Score, string Reason, string Source);

/// <summary>A reviewer's decision, the result of an approval callback.</summary>
/// <param name="Approved">Whether the order may go ahead.</param>
/// <param name="By">Who decided.</param>
public sealed record ReviewDecision(bool Approved, string By);

/// <summary>How the order ended.</summary>
/// <param name="Outcome"><c>fulfilled</c>, <c>rejected</c> or <c>compensated</c>.</param>
/// <param name="Detail">The shipment, the reason for a rejection, or the failure that was compensated.</param>
/// <param name="Compensated">The steps undone, in the order they were undone.</param>
public sealed record OrderOutcome(string Outcome, string Detail, IReadOnlyList<string> Compensated);
