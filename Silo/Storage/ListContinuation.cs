using System.Globalization;
using System.Text;

namespace Baton.Silo.Storage;

/// <summary>The opaque keyset token of instance listings: the last item's creation time and id.</summary>
internal static class ListContinuation
{
    public static string Create(long createdTicks, string instanceId) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{createdTicks.ToString(CultureInfo.InvariantCulture)}:{instanceId}"));

    public static (long CreatedTicks, string InstanceId) Parse(string token)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && long.TryParse(text.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks))
            {
                return (ticks, text[(colon + 1)..]);
            }
        }
        catch (FormatException)
        {
        }

        throw new ArgumentException("The continuation token is not one Baton issued.", nameof(token));
    }
}
