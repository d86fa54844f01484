using System.Globalization;
using System.Text;
using Orleans.Runtime;

namespace Baton.Silo.Clustering;

/// <summary>A membership row's suspicions as text: <c>address@ticks</c> pairs separated by <c>|</c> (addresses hold neither character).</summary>
internal static class SuspectTimes
{
    public static string? Format(List<Tuple<SiloAddress, DateTime>>? suspects)
    {
        if (suspects is not { Count: > 0 })
        {
            return null;
        }

        var text = new StringBuilder();
        foreach (var (silo, at) in suspects)
        {
            text.Append(text.Length == 0 ? "" : "|").Append(silo.ToParsableString()).Append('@').Append(at.ToUniversalTime().Ticks.ToString(CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    public static List<Tuple<SiloAddress, DateTime>> Parse(string? text)
    {
        var suspects = new List<Tuple<SiloAddress, DateTime>>();
        if (string.IsNullOrEmpty(text))
        {
            return suspects;
        }

        foreach (var pair in text.Split('|'))
        {
            var at = pair.LastIndexOf('@');
            suspects.Add(Tuple.Create(
                SiloAddress.FromParsableString(pair[..at]),
                new DateTime(long.Parse(pair.AsSpan(at + 1), NumberStyles.None, CultureInfo.InvariantCulture), DateTimeKind.Utc)));
        }

        return suspects;
    }
}
