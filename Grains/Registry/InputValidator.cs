using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;

namespace Baton.Grains.Registry;

/// <summary>
/// Checks a deserialised workflow input against its data annotations, nested objects and collection items included, and
/// lists every failure by its JSON path (<c>customer.email</c>, <c>lines[2].quantity</c>).
/// </summary>
internal static class InputValidator
{
    public static Dictionary<string, string[]> Validate(object? input)
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (input is not null)
        {
            Visit(input, "", errors, new HashSet<object>(ReferenceEqualityComparer.Instance));
        }

        return errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
    }

    private static void Visit(object value, string path, Dictionary<string, List<string>> errors, HashSet<object> seen)
    {
        var type = value.GetType();
        if (IsLeaf(type) || !seen.Add(value))
        {
            return;
        }

        if (value is IEnumerable items and not IDictionary)
        {
            var index = 0;
            foreach (var item in items)
            {
                if (item is not null)
                {
                    Visit(item, $"{path}[{index}]", errors, seen);
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
                var key = Join(path, member.Length == 0 ? "" : JsonNamingPolicy.CamelCase.ConvertName(member));
                (errors.TryGetValue(key, out var list) ? list : errors[key] = []).Add(result.ErrorMessage ?? "is not valid.");
            }
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length == 0 && !IsLeaf(property.PropertyType) && property.GetValue(value) is { } child)
            {
                Visit(child, Join(path, JsonNamingPolicy.CamelCase.ConvertName(property.Name)), errors, seen);
            }
        }
    }

    private static string Join(string path, string member) => path.Length == 0 ? member : member.Length == 0 ? path : $"{path}.{member}";

    private static bool IsLeaf(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(DateTime)
            || type == typeof(DateTimeOffset) || type == typeof(TimeSpan) || type == typeof(Guid) || type == typeof(Uri) || type == typeof(JsonElement);
    }
}
