using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Baton.Grains.Registry;

/// <summary>
/// Every place where a JSON document does not fit a type, by JSON path (<c>amount</c>, <c>lines[2].quantity</c>): the
/// serialiser stops at the first, and a caller wants to mend them all at once. Used only once a document has failed to
/// deserialise, so it may try each part on its own.
/// </summary>
internal static class JsonTypeErrors
{
    public static Dictionary<string, string[]> Collect(string json, Type type, JsonSerializerOptions options)
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        try
        {
            using var document = JsonDocument.Parse(json);
            Visit(document.RootElement, type, "", options, errors);
        }
        catch (JsonException)
        {
            // Not JSON at all: there are no fields to name; the caller reports the parser's message.
        }

        return errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
    }

    private static void Visit(JsonElement element, Type type, string path, JsonSerializerOptions options, Dictionary<string, List<string>> errors)
    {
        string problem;
        try
        {
            element.Deserialize(type, options);
            return;
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException or FormatException)
        {
            problem = e is JsonException ? Describe(element, type) : e.Message;
        }

        var before = errors.Count;
        var info = options.GetTypeInfo(type);
        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object when element.ValueKind == JsonValueKind.Object:
                var comparison = options.PropertyNameCaseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
                foreach (var property in element.EnumerateObject())
                {
                    if (info.Properties.FirstOrDefault(p => string.Equals(p.Name, property.Name, comparison)) is { } member)
                    {
                        Visit(property.Value, member.PropertyType, Join(path, member.Name), options, errors);
                    }
                }

                break;
            case JsonTypeInfoKind.Enumerable when element.ValueKind == JsonValueKind.Array && info.ElementType is { } itemType:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Visit(item, itemType, $"{path}[{index++}]", options, errors);
                }

                break;
            case JsonTypeInfoKind.Dictionary when element.ValueKind == JsonValueKind.Object && info.ElementType is { } valueType:
                foreach (var entry in element.EnumerateObject())
                {
                    Visit(entry.Value, valueType, Join(path, entry.Name), options, errors);
                }

                break;
        }

        if (errors.Count == before)
        {
            // The fault is this value as a whole: the wrong kind of JSON, or something its parts cannot show (a missing
            // required member, a constructor that refused it).
            (errors.TryGetValue(path, out var list) ? list : errors[path] = []).Add(problem);
        }
    }

    private static string Describe(JsonElement element, Type type)
    {
        var expected = Expected(type);
        var got = element.ValueKind switch
        {
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "true or false",
            JsonValueKind.Array => "an array",
            JsonValueKind.Object => "an object",
            JsonValueKind.Null => "null",
            _ => "nothing",
        };
        return expected == got ? $"is not a valid {Name(type)}." : $"must be {expected}, not {got}.";
    }

    private static string Expected(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        var nullable = underlying != type ? " or null" : "";
        if (underlying == typeof(bool))
        {
            return "true or false" + nullable;
        }

        if (underlying.IsPrimitive || underlying == typeof(decimal))
        {
            return "a number" + nullable;
        }

        if (underlying == typeof(string) || underlying.IsEnum || underlying == typeof(Guid) || underlying == typeof(DateTime) || underlying == typeof(DateTimeOffset)
            || underlying == typeof(TimeSpan) || underlying == typeof(DateOnly) || underlying == typeof(TimeOnly) || underlying == typeof(Uri))
        {
            return "a string" + nullable;
        }

        return BatonJsonKind(underlying) + nullable;
    }

    private static string BatonJsonKind(Type type) =>
        type != typeof(string) && typeof(System.Collections.IEnumerable).IsAssignableFrom(type) && !typeof(System.Collections.IDictionary).IsAssignableFrom(type)
            ? "an array"
            : "an object";

    private static string Name(Type type) => (Nullable.GetUnderlyingType(type) ?? type).Name;

    private static string Join(string path, string member) => path.Length == 0 ? member : $"{path}.{member}";
}
