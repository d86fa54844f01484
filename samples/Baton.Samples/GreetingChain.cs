namespace Baton.Samples;

/// <summary>Chaining: three activities in sequence, each result feeding the output.</summary>
public sealed class GreetingChain : Workflow<string[], string>
{
    public override async Task<string> RunAsync(IWorkflowContext context, string[] cities)
    {
        var greetings = new List<string>();
        foreach (var city in cities)
        {
            greetings.Add(await context.CallActivityAsync<string>(nameof(SayHello), city));
        }

        return string.Join(" ", greetings);
    }
}

/// <summary>Greets a city.</summary>
public sealed class SayHello : Activity<string, string>
{
    public override Task<string> RunAsync(ActivityContext context, string city) => Task.FromResult($"Hello, {city}!");
}
