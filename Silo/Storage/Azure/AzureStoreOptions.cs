namespace Baton.Silo.Storage.Azure;

/// <summary>Where the Azure Storage workflow store keeps its tables and blobs.</summary>
public sealed class AzureStoreOptions
{
    /// <summary>An Azure Storage connection string (an account's, or Azurite's); it must reach the Table and Blob services.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>
    /// The prefix of the store's table names (<c>{prefix}Instances</c>, <c>{prefix}Index</c>, <c>{prefix}Log</c>) and of its blob
    /// container (<c>{prefix}-blobs</c>, lower case): letters and digits, starting with a letter. Default: <c>baton</c>.
    /// </summary>
    public string TablePrefix { get; set; } = "baton";
}
