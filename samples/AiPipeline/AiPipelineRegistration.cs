using Baton.Silo.Hosting;

namespace Baton.Samples.AiPipeline;

/// <summary>Registers the durable AI pipeline sample on a silo.</summary>
public static class AiPipelineRegistration
{
    /// <summary>The configuration section of the models; see <see cref="PipelineModels.From"/>.</summary>
    public const string ModelSection = "AiPipeline:Model";

    /// <summary>
    /// Registers <see cref="AnswerQuestion"/> and <see cref="IngestDocuments"/> with their activities, the models the
    /// configuration names (<see cref="PipelineModels"/>), and the index, in <c>pipeline-index.db</c> in the node's data folder.
    /// </summary>
    /// <param name="baton">The silo's Baton builder.</param>
    /// <param name="configuration">The host's configuration.</param>
    /// <returns>The builder.</returns>
    public static BatonBuilder AddAiPipeline(this BatonBuilder baton, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(baton);
        ArgumentNullException.ThrowIfNull(configuration);
        var models = PipelineModels.From(configuration.GetSection(ModelSection));
        baton.Services.AddSingleton(models);
        baton.Services.AddSingleton(models.Embedder);
        baton.Services.AddSingleton(models.Answerer);
        var dataDirectory = configuration[BatonNodeExtensions.DataDirectoryKey] ?? "data";
        baton.Services.AddSingleton(_ => new DocumentIndex(Path.Combine(dataDirectory, "pipeline-index.db")));
        return baton.AddWorkflow<AnswerQuestion>()
            .AddActivity<EmbedQuestion>().AddActivity<SearchDocuments>().AddActivity<GenerateAnswer>()
            .AddWorkflow<IngestDocuments>()
            .AddActivity<ListDocuments>().AddActivity<ChunkDocument>().AddActivity<EmbedChunks>().AddActivity<PruneIndex>();
    }
}
