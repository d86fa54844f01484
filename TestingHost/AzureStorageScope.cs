using Azure.Data.Tables;
using Azure.Storage.Blobs;

namespace Baton.TestingHost;

/// <summary>
/// A table prefix of its own on the test Azure Storage account (Azurite, named by <c>BATON_TEST_AZURE</c>) for one test:
/// give it to <c>UseAzureStore</c>, and tests never see each other's rows. Disposed, it deletes the tables and container.
/// </summary>
public sealed class AzureStorageScope : IAsyncDisposable
{
    /// <summary>The environment variable that holds the test account's connection string.</summary>
    public const string Variable = "BATON_TEST_AZURE";

    /// <summary>Why an Azure Storage test is skipped when there is no account.</summary>
    public const string SkipReason = "No Azure Storage account: run ./test.sh, which starts Azurite, or set " + Variable + " to a connection string.";

    private static readonly string[] Tables = ["Instances", "Index", "Log"];

    private AzureStorageScope(string prefix)
    {
        TablePrefix = prefix;
    }

    /// <summary>The test account's connection string, or null when there is none.</summary>
    public static string? ConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    /// <summary>The store's table prefix, new for each scope.</summary>
    public string TablePrefix { get; }

    /// <summary>A new, unique prefix; the tables are created by the first store that opens them.</summary>
    public static AzureStorageScope Create() => new("t" + Guid.NewGuid().ToString("N")[..16]);

    /// <summary>Deletes the scope's tables and blob container.</summary>
    public async ValueTask DisposeAsync()
    {
        if (ConnectionString is not { } connection)
        {
            return;
        }

        var tables = new TableServiceClient(connection);
        await Task.WhenAll(Tables.Select(t => tables.DeleteTableAsync(TablePrefix + t)));
        await new BlobServiceClient(connection).GetBlobContainerClient(TablePrefix.ToLowerInvariant() + "-blobs").DeleteIfExistsAsync();
    }
}
