using System.Globalization;
using Azure;
using Azure.Data.Tables;

namespace Baton.Silo.Storage.Azure;

/// <summary>The marker row that names a set of tables as Baton's, at a version, with the cluster's callback secret.</summary>
internal static class AzureSchema
{
    public const string Application = "baton";
    public const int Version = 1;
    private const string Partition = "meta";
    private const string Row = "schema";

    /// <summary>Writes the marker on a new store (the first of several silos starting together wins) and checks it.</summary>
    /// <returns>The cluster's callback secret.</returns>
    /// <exception cref="StoreIncompatibleException">The tables belong to another program or another version.</exception>
    public static async Task<byte[]> EnsureAsync(TableClient index, string location, CancellationToken cancellationToken)
    {
        try
        {
            await index.AddEntityAsync(new TableEntity(Partition, Row)
            {
                ["Application"] = Application,
                ["Version"] = Version,
                ["Secret"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // Made before, by this silo's last start or another silo.
        }

        var marker = await index.GetEntityIfExistsAsync<TableEntity>(Partition, Row, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!marker.HasValue || marker.Value!.GetString("Application") != Application)
        {
            throw new StoreIncompatibleException(location, $"the table {index.Name} does not name Baton as its application.");
        }

        var version = marker.Value.GetInt32("Version");
        if (version != Version)
        {
            throw new StoreIncompatibleException(location, $"the store's version is {version?.ToString(CultureInfo.InvariantCulture) ?? "missing"}; this build of Baton uses version {Version}.");
        }

        return marker.Value.GetString("Secret") is { } secret
            ? Convert.FromBase64String(secret)
            : throw new StoreIncompatibleException(location, "the store's marker row has no callback secret.");
    }
}
