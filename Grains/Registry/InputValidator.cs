using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Baton.Grains.Registry;

/// <summary>
/// Checks a deserialised workflow input against its data annotations, nested objects and collection items included, and
/// lists every failure by its JSON path (<c>customer.email</c>, <c>lines[2].quantity</c>). A null item in a list whose
/// items are declared non-nullable (<c>List&lt;OrderLine&gt;</c>, not <c>List&lt;OrderLine?&gt;</c>) is a failure too: the
/// workflow would meet it as a NullReferenceException.
/// </summary>
internal static class InputValidator
{
    /// <param name="input">The deserialised input.</param>
    /// <param name="declared">The nullability the workflow declares for it, which says whether a list input's items may be null.</param>
    public static Dictionary<string, string[]> Validate(object? input, NullabilityInfo? declared = null)
    {
        var walk = new Walk();
        if (input is not null)
        {
            walk.Visit(input, "", declared);
        }

        return walk.Errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
    }

    /// <summary>One validation's state: the errors so far, the objects seen (against cycles), and a nullability reader.</summary>
    private sealed class Walk
    {
        // One per validation, made when first needed: NullabilityInfoContext is not thread-safe.
        private NullabilityInfoContext? _nullability;
        private readonly HashSet<object> _seen = new(ReferenceEqualityComparer.Instance);

        public Dictionary<string, List<string>> Errors { get; } = new(StringComparer.Ordinal);

        public void Visit(object value, string path, NullabilityInfo? declared)
        {
            var type = value.GetType();
            if (IsLeaf(type) || !_seen.Add(value))
            {
                return;
            }

            if (value is IEnumerable items and not IDictionary)
            {
                var itemsMustBePresent = ItemNullability(declared) == NullabilityState.NotNull;
                var index = 0;
                foreach (var item in items)
                {
                    if (item is not null)
                    {
                        Visit(item, $"{path}[{index}]", null);
                    }
                    else if (itemsMustBePresent)
                    {
                        Add($"{path}[{index}]", "must not be null: the list's items are declared non-nullable.");
                    }

                    index++;
                }

                return;
            }

            var results = new List<ValidationResult>();
            Validator.TryValidateObject(value, new ValidationContext(value), results, validateAllProperties: true);
            foreach (var result in results)
            {
                var members = result.MemberNames.Any() ? result.MemberNames : [""];
                foreach (var member in members)
                {
                    Add(Join(path, member.Length == 0 ? "" : JsonName(type.GetProperty(member), member)), result.ErrorMessage ?? "is not valid.");
                }
            }

            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (property.GetIndexParameters().Length == 0 && !IsLeaf(property.PropertyType) && property.GetValue(value) is { } child)
                {
                    Visit(child, Join(path, JsonName(property, property.Name)), (_nullability ??= new()).Create(property));
                }
            }
        }

        private void Add(string key, string message) => (Errors.TryGetValue(key, out var list) ? list : Errors[key] = []).Add(message);
    }

    /// <summary>Whether a list's items may be null, as declared: an array's element type or a generic list's type argument.</summary>
    private static NullabilityState ItemNullability(NullabilityInfo? declared) =>
        declared is null ? NullabilityState.Unknown
        : declared.ElementType is { } element ? element.ReadState
        : declared.GenericTypeArguments is [var only] ? only.ReadState
        : NullabilityState.Unknown;

    /// <summary>A member's name in the JSON: its <c>[JsonPropertyName]</c> where it has one (<c>top_k</c>), camel case otherwise.</summary>
    private static string JsonName(PropertyInfo? property, string member) =>
        property?.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(member);

    private static string Join(string path, string member) => path.Length == 0 ? member : member.Length == 0 ? path : $"{path}.{member}";

    private static bool IsLeaf(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(DateTime)
            || type == typeof(DateTimeOffset) || type == typeof(TimeSpan) || type == typeof(Guid) || type == typeof(Uri) || type == typeof(JsonElement);
    }
}
