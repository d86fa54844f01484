using Baton.Api.Access;
using Baton.Samples;
using Baton.Silo.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;

namespace Baton.Client.Tests;

/// <summary>The API host on a real Kestrel server on a loopback port, with API keys for a reader and an operator, and an Orleans gateway.</summary>
public sealed class KestrelApiFactory : WebApplicationFactory<Program>
{
    public const string ReaderKey = "client-tests-reader-key-0123456789";
    public const string OperatorKey = "client-tests-operator-key-0123456789";

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "baton-client-tests", Guid.NewGuid().ToString("N"));

    public KestrelApiFactory()
    {
        UseKestrel(0);
        StartServer();
    }

    /// <summary>The node's Orleans gateway port on loopback, for cluster clients.</summary>
    public int GatewayPort { get; } = FreePort();

    /// <summary>The server's real address, for example http://127.0.0.1:41234/.</summary>
    public Uri Address => ClientOptions.BaseAddress;

    /// <summary>An HTTP workflow client with the operator key (or another <paramref name="apiKey"/>), on a plain socket connection.</summary>
    public HttpWorkflowClient Client(string? apiKey = OperatorKey, TimeSpan? longPoll = null, string? space = null) =>
        new(new HttpClient(), new BatonClientOptions { BaseAddress = Address, ApiKey = apiKey, LongPollInterval = longPoll ?? TimeSpan.FromSeconds(30), Namespace = space });

    /// <summary>The namespace the node declares beside the default one; the operator key opens every namespace.</summary>
    public const string Tenant = "tenant";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("urls", "http://127.0.0.1:0");
        builder.UseSetting("Baton:DataDirectory", _dataDirectory);
        builder.UseSetting("Baton:PollInterval", "00:00:00.200");
        builder.UseSetting("Orleans:SiloPort", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Orleans:GatewayPort", GatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Baton:Api:Access:ApiKeys:0:Hash", ApiKeyHash.Compute(ReaderKey));
        builder.UseSetting("Baton:Api:Access:ApiKeys:0:Role", "Reader");
        builder.UseSetting("Baton:Api:Access:ApiKeys:1:Hash", ApiKeyHash.Compute(OperatorKey));
        builder.UseSetting("Baton:Api:Access:ApiKeys:1:Role", "Operator");
        builder.UseSetting("Baton:Api:Access:ApiKeys:1:Namespaces:0", "*");
        builder.UseSetting($"Baton:Namespaces:{Tenant}:Workflows:0", nameof(Gate));
        builder.ConfigureTestServices(services => services.GetBatonBuilder().AddWorkflow<Gate>().AddWorkflow<Explodes>().AddWorkflow<Tally>().AddWorkflow<Cart>());
    }

    private static int FreePort() => Baton.TestingHost.LoopbackPorts.Next();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}

/// <summary>Waits for the event "open" and returns its data.</summary>
public sealed class Gate : Workflow<string, string>
{
    public override async Task<string> RunAsync(IWorkflowContext context, string input) =>
        $"{input}:{await context.WaitForEventAsync<string>("open", TimeSpan.FromDays(1))}";
}

/// <summary>Adds the "add" events it gets until it reaches its input; its queries read the running total and its stage.</summary>
public sealed class Tally : Workflow<int, int>
{
    public override async Task<int> RunAsync(IWorkflowContext context, int target)
    {
        var total = 0;
        var stage = "adding";
        context.SetQueryHandler("total", () => total);
        context.SetQueryHandler("state", () => new TallyState(total, stage));
        context.SetQueryHandler<int>("broken", () => throw new InvalidOperationException("this query always fails"));
        while (total < target)
        {
            total += await context.WaitForEventAsync<int>("add");
        }

        stage = "done";
        return total;
    }
}

/// <summary>What the <see cref="Tally"/>'s "state" query answers.</summary>
public sealed record TallyState(int Total, string Stage);

/// <summary>
/// A cart that takes "add" updates (validated: a sku, while not checked out; the handler runs a recorded step and answers
/// the item count) until the "checkout" event, and returns its items. "fail" is an update whose handler always throws.
/// </summary>
public sealed class Cart : Workflow<string, List<string>>
{
    public override async Task<List<string>> RunAsync(IWorkflowContext context, string owner)
    {
        var items = new List<string>();
        var checkedOut = false;
        context.SetUpdateHandler<string, int>(
            "add",
            async sku =>
            {
                items.Add(await context.StepAsync("label", () => Task.FromResult(sku.ToUpperInvariant())));
                return items.Count;
            },
            sku =>
            {
                if (string.IsNullOrWhiteSpace(sku))
                {
                    throw new ArgumentException("the sku is empty");
                }

                if (checkedOut)
                {
                    throw new InvalidOperationException("the cart is checked out");
                }
            });
        context.SetUpdateHandler<int, int>("fail", n => throw new InvalidOperationException($"handler failure {n}"));
        context.SetQueryHandler("items", () => items);
        await context.WaitForEventAsync<bool>("checkout");
        checkedOut = true;
        return items;
    }
}

/// <summary>Fails at once with its input as the message.</summary>
public sealed class Explodes : Workflow<string, string>
{
    public override Task<string> RunAsync(IWorkflowContext context, string input) => throw new InvalidOperationException(input);
}
