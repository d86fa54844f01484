using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Baton.Samples.AiOrders;

/// <summary>Scores an order's risk.</summary>
public interface IRiskScorer
{
    /// <summary>The order's risk.</summary>
    Task<RiskAssessment> ScoreAsync(ShopOrder order, CancellationToken cancellationToken);
}

/// <summary>The activity: asks the configured scorer (a model, or the offline rules).</summary>
public sealed class AssessRisk(IRiskScorer scorer) : Activity<ShopOrder, RiskAssessment>
{
    public override Task<RiskAssessment> RunAsync(ActivityContext context, ShopOrder order) => scorer.ScoreAsync(order, context.CancellationToken);
}

/// <summary>
/// The offline scorer, used when no model is configured: big orders from new customers are risky. It says it is rules,
/// not a model, in <see cref="RiskAssessment.Source"/>.
/// </summary>
public sealed class RuleRiskScorer : IRiskScorer
{
    public Task<RiskAssessment> ScoreAsync(ShopOrder order, CancellationToken cancellationToken)
    {
        var score = order.Amount switch { < 100 => 5, < 1_000 => 20, < 10_000 => 50, _ => 70 };
        score += order.PreviousOrders == 0 ? 25 : order.PreviousOrders < 3 ? 10 : 0;
        var reason = $"{order.Amount.ToString("0.##", CultureInfo.InvariantCulture)} from a customer with {order.PreviousOrders} previous order(s)";
        return Task.FromResult(new RiskAssessment(Math.Min(score, 100), reason, "rules"));
    }
}

/// <summary>
/// Scores with a chat model (any <see cref="IChatClient"/>: Azure OpenAI, OpenAI, a local server). The model answers JSON
/// <c>{"score": 0-100, "reason": "..."}</c>; an answer that is not is an error, which the activity's retry policy retries.
/// </summary>
public sealed class ChatRiskScorer(IChatClient chat, string modelName) : IRiskScorer
{
    private const string Instructions =
        "You score the fraud risk of web shop orders. Answer only with JSON: {\"score\": <integer 0-100>, \"reason\": \"<one sentence>\"}.";

    public async Task<RiskAssessment> ScoreAsync(ShopOrder order, CancellationToken cancellationToken)
    {
        var question = $"Order {order.OrderId}: amount {order.Amount.ToString(CultureInfo.InvariantCulture)}, customer {order.CustomerEmail} " +
            $"with {order.PreviousOrders} previous order(s), shipping to {order.ShipTo}.";
        var response = await chat.GetResponseAsync(
            [new ChatMessage(ChatRole.System, Instructions), new ChatMessage(ChatRole.User, question)],
            new ChatOptions { Temperature = 0, ResponseFormat = ChatResponseFormat.Json },
            cancellationToken);
        return Parse(response.Text, modelName);
    }

    /// <exception cref="FormatException">The answer is not the JSON asked for.</exception>
    internal static RiskAssessment Parse(string answer, string source)
    {
        try
        {
            using var json = JsonDocument.Parse(answer);
            var score = json.RootElement.GetProperty("score").GetInt32();
            var reason = json.RootElement.TryGetProperty("reason", out var r) ? r.GetString() ?? "" : "";
            return score is >= 0 and <= 100
                ? new RiskAssessment(score, reason, source)
                : throw new FormatException($"The model's score {score} is not between 0 and 100.");
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException($"The model did not answer the JSON asked for: {answer}", ex);
        }
    }
}
