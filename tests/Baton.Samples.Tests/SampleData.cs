namespace Baton.Samples.Tests;

/// <summary>A sample host's data folder for one test: under the temporary folder, removed afterwards.</summary>
internal static class SampleData
{
    /// <summary>A new folder path (not yet created: the sample creates it).</summary>
    public static string NewFolder(string purpose) => Path.Combine(Path.GetTempPath(), purpose, Guid.NewGuid().ToString("N"));

    /// <summary>Removes the folder, if the sample got as far as creating it.</summary>
    public static void Delete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
