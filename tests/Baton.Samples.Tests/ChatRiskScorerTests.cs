using Baton.Samples.AiOrders;
using Microsoft.Extensions.AI;

namespace Baton.Samples.Tests;

/// <summary>The model-backed scorer asks for JSON and reads the score from it; an answer that is not that JSON is an error to retry.</summary>
public sealed class ChatRiskScorerTests
{
    [Fact]
    public async Task TheModelsJsonAnswer_IsTheRisk_AndTheQuestionDescribesTheOrder()
    {
        var chat = new ScriptedChat("""{"score": 42, "reason": "a new customer"}""");
        var scorer = new ChatRiskScorer(chat, "test-model");

        var risk = await scorer.ScoreAsync(new ShopOrder { OrderId = "o-9", Amount = 120m, PreviousOrders = 0, ShipTo = "Oslo" }, CancellationToken.None);

        Assert.Equal(new RiskAssessment(42, "a new customer", "test-model"), risk);
        Assert.Contains("amount 120", chat.LastQuestion);
        Assert.Equal(ChatResponseFormat.Json, chat.LastOptions!.ResponseFormat);
    }

    [Theory]
    [InlineData("I think it is fine.")]
    [InlineData("""{"reason": "no score"}""")]
    [InlineData("""{"score": 250}""")]
    public async Task AnAnswerThatIsNotTheJsonAskedFor_IsAFormatException(string answer)
    {
        var scorer = new ChatRiskScorer(new ScriptedChat(answer), "test-model");

        await Assert.ThrowsAsync<FormatException>(() => scorer.ScoreAsync(new ShopOrder { OrderId = "o", Amount = 1m }, CancellationToken.None));
    }

    /// <summary>A chat client that answers every question with the same text and remembers the last question.</summary>
    private sealed class ScriptedChat(string answer) : IChatClient
    {
        public string LastQuestion { get; private set; } = "";

        public ChatOptions? LastOptions { get; private set; }

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            LastQuestion = messages.Last().Text;
            LastOptions = options;
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, answer)));
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
