namespace Baton.Samples.AiOrders;

// The saga's steps and their compensations, each a thin call into the shop.

/// <summary>Reserves the order's stock; answers the reservation.</summary>
public sealed class ReserveStock(SimulatedShop shop) : Activity<ShopOrder, string>
{
    public override Task<string> RunAsync(ActivityContext context, ShopOrder order) => Task.FromResult(shop.Reserve(order.OrderId));
}

/// <summary>Releases a reservation: the compensation of <see cref="ReserveStock"/>.</summary>
public sealed class ReleaseStock(SimulatedShop shop) : Activity<string, string>
{
    public override Task<string> RunAsync(ActivityContext context, string reservation) => Task.FromResult(shop.Release(reservation));
}

/// <summary>Charges the card; answers the payment.</summary>
public sealed class ChargeCard(SimulatedShop shop) : Activity<ShopOrder, string>
{
    public override Task<string> RunAsync(ActivityContext context, ShopOrder order) => Task.FromResult(shop.Charge(order));
}

/// <summary>Refunds a payment: the compensation of <see cref="ChargeCard"/>.</summary>
public sealed class RefundCard(SimulatedShop shop) : Activity<string, string>
{
    public override Task<string> RunAsync(ActivityContext context, string payment) => Task.FromResult(shop.Refund(payment));
}

/// <summary>Ships the order; answers the shipment.</summary>
public sealed class ShipOrder(SimulatedShop shop) : Activity<ShopOrder, string>
{
    public override Task<string> RunAsync(ActivityContext context, ShopOrder order) => Task.FromResult(shop.Ship(order));
}
