using Baton.Api.Access;
using Baton.Api.Hosting;
using Baton.Silo.Hosting;

// Baton's main node: the HTTP API in front of a silo, on the embedded SQLite store (<Baton:DataDirectory>/baton.db) or,
// with Baton:Postgres:ConnectionString, on PostgreSQL in a cluster of the silos sharing it. With Baton:FrontEnd=true it
// runs no silo: it serves the API through the cluster's silos. Options bind from the "Baton" configuration section.
if (args is ["hash-key", var key])
{
    Console.WriteLine(ApiKeyHash.Compute(key));
    return 0;
}

if (args is ["new-key"])
{
    var newKey = ApiKeyHash.NewKey();
    Console.WriteLine($"key:  {newKey}\nhash: {ApiKeyHash.Compute(newKey)}");
    return 0;
}

var builder = WebApplication.CreateBuilder(BatonNodeExtensions.NodeArguments(args));
var apiOptions = ApiServiceCollectionExtensions.ReadOptions(builder.Configuration);
var urls = BindAddressGuard.UrlsOf(builder.Configuration);
if (BindAddressGuard.Refusal(urls, apiOptions.Access) is { } refusal)
{
    Console.Error.WriteLine(refusal);
    return 2;
}

builder.WebHost.UseUrls(builder.Configuration["urls"] ?? BindAddressGuard.DefaultUrls);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = apiOptions.MaxRequestBodyBytes + 1);
if (builder.Configuration.GetValue(BatonNodeExtensions.FrontEndKey, false))
{
    builder.AddBatonFrontEnd();
}
else
{
    builder.AddBatonNode();
}

builder.Services.AddBatonApi(builder.Configuration);

var app = builder.Build();
app.UseBatonApi();
app.Run();
return 0;

/// <summary>The API host's entry point, public for WebApplicationFactory.</summary>
public partial class Program;
