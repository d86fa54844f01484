using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Baton.Silo.Storage.Azure;

/// <summary>
/// The store's blob container: an instance's large payloads and spilled texts (content-addressed, so that writing one
/// twice is harmless) and its turn records, all under the instance's escaped key, so that a purge lists them by prefix.
/// </summary>
internal sealed class AzureBlobs(string connectionString, string containerName)
{
    private readonly BlobContainerClient _container = new BlobServiceClient(connectionString).GetBlobContainerClient(containerName);

    public static string Payload(string instanceId, string hash) => $"{AzureKeys.Escape(instanceId)}/payload/{hash}";

    public static string Spill(string instanceId, string hash) => $"{AzureKeys.Escape(instanceId)}/spill/{hash}";

    public static string Turn(string instanceId, long revision) => $"{AzureKeys.Escape(instanceId)}/turn/{revision}";

    public Task CreateAsync(CancellationToken cancellationToken) => _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);

    /// <summary>Writes a content-addressed blob unless it is there already.</summary>
    public async Task WriteOnceAsync(string path, string text, CancellationToken cancellationToken)
    {
        try
        {
            await _container.GetBlobClient(path).UploadAsync(BinaryData.FromString(text), overwrite: false, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // Written before: the same content under the same hash.
        }
    }

    /// <summary>Writes (or replaces) a blob.</summary>
    public Task WriteAsync(string path, string text, CancellationToken cancellationToken) =>
        _container.GetBlobClient(path).UploadAsync(BinaryData.FromString(text), overwrite: true, cancellationToken);

    /// <exception cref="InvalidOperationException">The blob is missing.</exception>
    public async Task<string> ReadAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            var content = await _container.GetBlobClient(path).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return content.Value.Content.ToString();
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            throw new InvalidOperationException($"The blob '{path}' is missing from the store's container.", ex);
        }
    }

    public Task DeleteAsync(string path, CancellationToken cancellationToken) =>
        _container.GetBlobClient(path).DeleteIfExistsAsync(cancellationToken: cancellationToken);

    /// <summary>Deletes every blob of an instance.</summary>
    public async Task DeleteInstanceAsync(string instanceId, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        await foreach (var blob in _container.GetBlobsAsync(BlobTraits.None, BlobStates.None, AzureKeys.Escape(instanceId) + "/", cancellationToken).ConfigureAwait(false))
        {
            names.Add(blob.Name);
        }

        await Task.WhenAll(names.Select(name => DeleteAsync(name, cancellationToken))).ConfigureAwait(false);
    }
}
