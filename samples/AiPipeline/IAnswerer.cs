namespace Baton.Samples.AiPipeline;

/// <summary>Writes an answer to a question from the chunks the search found.</summary>
public interface IAnswerer
{
    /// <summary>Who answers: the model's name, or <see cref="ExtractiveAnswerer.Name"/>.</summary>
    string Name { get; }

    /// <summary>The answer, drawn only from <paramref name="sources"/> (best first).</summary>
    Task<string> AnswerAsync(string question, IReadOnlyList<(SearchHit Hit, string Text)> sources, CancellationToken cancellationToken);
}
