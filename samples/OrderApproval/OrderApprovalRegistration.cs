using Baton.Silo.Hosting;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;

namespace Baton.Samples.AiOrders;

/// <summary>Registers the AI order approval sample on a silo.</summary>
public static class OrderApprovalRegistration
{
    /// <summary>The configuration section of the model: <c>Endpoint</c> (an OpenAI-compatible URL; default OpenAI's), <c>ApiKey</c>, <c>Model</c>.</summary>
    public const string ModelSection = "OrderApproval:Model";

    /// <summary>
    /// Registers <see cref="AiOrderApproval"/>, its activities and the simulated shop. The risk scorer is a chat model when
    /// <see cref="ModelSection"/> has an <c>ApiKey</c> (through the OpenAI SDK, so any OpenAI-compatible endpoint, Azure
    /// OpenAI's included), and <see cref="RuleRiskScorer"/> otherwise.
    /// </summary>
    /// <param name="baton">The silo's Baton builder.</param>
    /// <param name="configuration">The host's configuration.</param>
    /// <returns>The builder.</returns>
    public static BatonBuilder AddAiOrderApproval(this BatonBuilder baton, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(baton);
        ArgumentNullException.ThrowIfNull(configuration);
        var model = configuration.GetSection(ModelSection);
        if (model["ApiKey"] is { Length: > 0 } key)
        {
            var name = model["Model"] ?? "gpt-4o-mini";
            var options = model["Endpoint"] is { Length: > 0 } endpoint ? new OpenAIClientOptions { Endpoint = new Uri(endpoint) } : new OpenAIClientOptions();
            var chat = new OpenAIClient(new System.ClientModel.ApiKeyCredential(key), options).GetChatClient(name).AsIChatClient();
            baton.Services.AddSingleton<IRiskScorer>(new ChatRiskScorer(chat, name));
        }
        else
        {
            baton.Services.AddSingleton<IRiskScorer, RuleRiskScorer>();
        }

        baton.Services.AddSingleton<SimulatedShop>();
        return baton.AddWorkflow<AiOrderApproval>()
            .AddActivity<AssessRisk>()
            .AddActivity<ReserveStock>().AddActivity<ReleaseStock>()
            .AddActivity<ChargeCard>().AddActivity<RefundCard>()
            .AddActivity<ShipOrder>();
    }
}
