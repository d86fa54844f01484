using Baton.Samples;

namespace Baton.Silo.Hosting;

/// <summary>Registers the sample workflows that ship with Baton.</summary>
public static class SampleWorkflowsExtensions
{
    /// <summary>Registers the chaining, fan-out, durable-timer and order-approval samples and their activities.</summary>
    /// <param name="builder">The Baton builder.</param>
    /// <returns>The builder.</returns>
    public static BatonBuilder AddSampleWorkflows(this BatonBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder
            .AddWorkflow<GreetingChain>().AddActivity<SayHello>()
            .AddWorkflow<SquareSum>().AddActivity<Square>()
            .AddWorkflow<Reminder>().AddActivity<SendReminder>()
            .AddWorkflow<OrderApproval>().AddActivity<PlaceOrder>();
    }
}
