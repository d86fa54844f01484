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
