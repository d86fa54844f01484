using System.Text;
using Microsoft.Extensions.AI;

namespace Baton.Samples.AiPipeline;

/// <summary>Answers with a chat model (any <see cref="IChatClient"/>), told to use only the numbered sources and cite them.</summary>
public sealed class ChatAnswerer(IChatClient chat, string modelName) : IAnswerer
{
    private const string Instructions =
        "Answer the question using only the numbered sources. Cite the sources you use as [1], [2]. " +
        "If the sources do not contain the answer, say that you do not know.";

    /// <inheritdoc />
    public string Name => modelName;

    /// <inheritdoc />
    public async Task<string> AnswerAsync(string question, IReadOnlyList<(SearchHit Hit, string Text)> sources, CancellationToken cancellationToken)
    {
        var prompt = new StringBuilder("Sources:\n");
        for (var i = 0; i < sources.Count; i++)
        {
            prompt.Append('[').Append(i + 1).Append("] (").Append(sources[i].Hit.Document).Append(")\n").Append(sources[i].Text).Append("\n\n");
        }

        prompt.Append("Question: ").Append(question);
        var response = await chat.GetResponseAsync(
            [new ChatMessage(ChatRole.System, Instructions), new ChatMessage(ChatRole.User, prompt.ToString())],
            new ChatOptions { Temperature = 0 },
            cancellationToken);
        return response.Text;
    }
}
