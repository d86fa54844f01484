using System.Collections.Concurrent;

namespace Baton.Samples.AiOrders;

/// <summary>
/// The outside systems the sample's activities call, simulated in memory: stock, a payment gateway and a carrier. It keeps
/// a journal of what was done, in order, so that a demo prints it and a test checks it. Each operation is idempotent by
/// order id, as a real one called at least once must be.
/// </summary>
public sealed class SimulatedShop
{
    private readonly ConcurrentDictionary<string, int> _chargeAttempts = new();

    /// <summary>What was done, in order: <c>reserved o-1</c>, <c>charged o-1</c>, <c>refunded o-1</c>, …</summary>
    public ConcurrentQueue<string> Journal { get; } = new();

    public string Reserve(string orderId) => Record("reserved", orderId, "res-");

    public string Release(string reservation) => Record("released", reservation["res-".Length..], "rel-");

    /// <exception cref="PaymentDeclinedException">The card is <c>tok_declined</c>.</exception>
    /// <exception cref="HttpRequestException">The card is <c>tok_flaky</c>, on its first two attempts (a gateway timeout).</exception>
    public string Charge(ShopOrder order)
    {
        if (order.CardToken == "tok_declined")
        {
            throw new PaymentDeclinedException($"card declined for order {order.OrderId}");
        }

        if (order.CardToken == "tok_flaky" && _chargeAttempts.AddOrUpdate(order.OrderId, 1, (_, n) => n + 1) <= 2)
        {
            throw new HttpRequestException("payment gateway timed out");
        }

        return Record("charged", order.OrderId, "pay-");
    }

    public string Refund(string payment) => Record("refunded", payment["pay-".Length..], "ref-");

    /// <exception cref="InvalidOperationException">The address is <c>nowhere</c>.</exception>
    public string Ship(ShopOrder order) =>
        order.ShipTo == "nowhere"
            ? throw new InvalidOperationException($"the carrier does not deliver to '{order.ShipTo}'")
            : Record("shipped", order.OrderId, "ship-");

    private string Record(string action, string orderId, string prefix)
    {
        var entry = $"{action} {orderId}";
        if (!Journal.Contains(entry))
        {
            Journal.Enqueue(entry);
        }

        return prefix + orderId;
    }
}

/// <summary>The gateway declined the card: final, never retried.</summary>
public sealed class PaymentDeclinedException(string message) : Exception(message);
