using System.Text.Json;

namespace Baton.Serialization;

/// <summary>The JSON conventions Baton uses for inputs, outputs and history: web defaults (camelCase).</summary>
public static class BatonJson
{
    /// <summary>The shared serializer options.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>Serialises a value to JSON text; null becomes null, not the text "null".</summary>
    /// <param name="value">The value.</param>
    /// <returns>JSON text, or null.</returns>
    public static string? Serialize(object? value) =>
        value is null ? null : JsonSerializer.Serialize(value, value.GetType(), Options);

    /// <summary>Deserialises JSON text (null for none) to <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The target type.</typeparam>
    /// <param name="json">JSON text, or null.</param>
    /// <returns>The value; default when <paramref name="json"/> is null.</returns>
    public static T? Deserialize<T>(string? json) =>
        json is null ? default : JsonSerializer.Deserialize<T>(json, Options);

    /// <summary>Deserialises JSON text (null for none) to <paramref name="type"/>.</summary>
    /// <param name="json">JSON text, or null.</param>
    /// <param name="type">The target type.</param>
    /// <returns>The value; null when <paramref name="json"/> is null.</returns>
    public static object? Deserialize(string? json, Type type) =>
        json is null ? null : JsonSerializer.Deserialize(json, type, Options);

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
