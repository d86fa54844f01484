using System.ClientModel;
using Azure.AI.OpenAI;
using Microsoft.Extensions.AI;
using OpenAI;

namespace Baton.Samples.AiPipeline;

/// <summary>
/// The embedder and the answerer, chosen by configuration (<see cref="AiPipelineRegistration.ModelSection"/>):
/// Azure OpenAI through Azure.AI.OpenAI, OpenAI (or any OpenAI-compatible server) through the OpenAI SDK, both seen as
/// Microsoft.Extensions.AI's <see cref="IEmbeddingGenerator{TInput,TEmbedding}"/> and <see cref="IChatClient"/>; and,
/// without an API key, the offline embedder and extractive answerer.
/// </summary>
/// <param name="Embedder">Turns texts into vectors.</param>
/// <param name="Answerer">Writes answers.</param>
/// <param name="Description">One line saying which of them runs, printed on start.</param>
public sealed record PipelineModels(IEmbeddingGenerator<string, Embedding<float>> Embedder, IAnswerer Answerer, string Description)
{
    /// <summary>The provider that runs on Azure OpenAI deployments.</summary>
    public const string AzureOpenAI = "AzureOpenAI";

    /// <summary>The provider that runs on OpenAI, or on any server that speaks its API.</summary>
    public const string OpenAI = "OpenAI";

    /// <summary>Reads the models' configuration.</summary>
    /// <param name="model">The section: <c>Provider</c>, <c>Endpoint</c>, <c>ApiKey</c>, <c>EmbeddingModel</c>, <c>ChatModel</c>.</param>
    /// <exception cref="InvalidOperationException">The configuration names an unknown provider, or Azure OpenAI without its endpoint.</exception>
    public static PipelineModels From(IConfigurationSection model)
    {
        if (model["ApiKey"] is not { Length: > 0 } key)
        {
            return new PipelineModels(new LocalEmbedder(), new ExtractiveAnswerer(),
                $"models: offline (the hashing embedder and the extractive answerer, no language model); set {model.Path}:ApiKey, and Provider, Endpoint, EmbeddingModel and ChatModel as needed, to use one");
        }

        var embeddingModel = model["EmbeddingModel"] is { Length: > 0 } e ? e : "text-embedding-3-small";
        var chatModel = model["ChatModel"] is { Length: > 0 } c ? c : "gpt-4o-mini";
        var endpoint = model["Endpoint"] is { Length: > 0 } url ? new Uri(url) : null;
        var provider = model["Provider"] is { Length: > 0 } p ? p : OpenAI;
        OpenAIClient client = provider switch
        {
            _ when provider.Equals(AzureOpenAI, StringComparison.OrdinalIgnoreCase) => new AzureOpenAIClient(
                endpoint ?? throw new InvalidOperationException($"{model.Path}:Endpoint is required for Azure OpenAI: https://<resource>.openai.azure.com/."),
                new ApiKeyCredential(key)),
            _ when provider.Equals(OpenAI, StringComparison.OrdinalIgnoreCase) => new OpenAIClient(
                new ApiKeyCredential(key), endpoint is null ? new OpenAIClientOptions() : new OpenAIClientOptions { Endpoint = endpoint }),
            _ => throw new InvalidOperationException($"{model.Path}:Provider '{provider}' is not one of {AzureOpenAI} and {OpenAI}."),
        };
        return new PipelineModels(
            client.GetEmbeddingClient(embeddingModel).AsIEmbeddingGenerator(),
            new ChatAnswerer(client.GetChatClient(chatModel).AsIChatClient(), chatModel),
            $"models: {provider} at {endpoint?.ToString() ?? "api.openai.com"}, embeddings from '{embeddingModel}', answers from '{chatModel}'");
    }
}
